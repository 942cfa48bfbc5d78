using Florascope.Taxonomy;
using Florascope.Tests.Web;

namespace Florascope.Tests.Taxonomy;

/// <summary>The floras' descriptions: listed from the checklist, counted from it, ordered by a point.</summary>
public sealed class ProjectCatalogueTests
{
    private static Checklist Demo => SharedServerFixture.Checklist.Value;

    [Fact]
    public void EveryProjectOfTheChecklistIsDescribedWithItsTaxaCounted()
    {
        var projects = ProjectCatalogue.Describe(Demo);
        Assert.Equal(Demo.Projects, projects.Select(p => p.Id));
        foreach (var p in projects)
        {
            Assert.Equal(Demo.Taxa.Count(t => t.InProject(p.Id)), p.TaxonCount);
            Assert.Contains($"({p.TaxonCount} taxa)", p.Description, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(p.Title));
        }
        Assert.Equal(Demo.Taxa.Count, projects.Single(p => p.Id == Checklist.AllProject).TaxonCount);
    }

    [Fact]
    public void TheCountFollowsTheChecklistNotAFigureWrittenByHand()
    {
        var small = new Checklist(
        [
            new Taxon { ScientificNameWithoutAuthor = "Bellis perennis", Projects = ["weurope"] },
            new Taxon { ScientificNameWithoutAuthor = "Acer palmatum", Projects = ["useful", "tropics"] },
        ]);
        var projects = ProjectCatalogue.Describe(small);
        Assert.Equal("Every taxon the model knows (2 taxa).", projects.Single(p => p.Id == Checklist.AllProject).Description);
        Assert.Equal(1, projects.Single(p => p.Id == "weurope").TaxonCount);
        // A project the catalogue does not know is still listed, named by its id.
        var tropics = projects.Single(p => p.Id == "tropics");
        Assert.Equal(("tropics", "", null, 1), (tropics.Title, tropics.Description, tropics.Extent, tropics.TaxonCount));
    }

    [Theory]
    [InlineData(48.8, 2.3, "weurope")]
    [InlineData(45.5, -73.6, "namerica")]
    public void TheFlorasCoveringAPointComeFirst(double lat, double lon, string first)
    {
        var ordered = ProjectCatalogue.CoveringFirst(Demo, lat, lon);
        Assert.Equal(first, ordered[0].Id);
        Assert.Equal(Demo.Projects.Order(StringComparer.Ordinal), ordered.Select(p => p.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void APointCoveredByNoFloraKeepsTheChecklistOrder() =>
        Assert.Equal(Demo.Projects, ProjectCatalogue.CoveringFirst(Demo, -75, 0).Select(p => p.Id));

    [Theory]
    [InlineData(34, -25, true)]
    [InlineData(72, 25, true)]
    [InlineData(33.999, 0, false)]
    [InlineData(50, 25.001, false)]
    public void ABoxIncludesItsEdges(double lat, double lon, bool inside) =>
        Assert.Equal(inside, new GeoBox(34, 72, -25, 25).Contains(lat, lon));
}
