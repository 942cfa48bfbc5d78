using Florascope.Data.Floras;
using Florascope.Floras;
using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Floras;

/// <summary>Checklist.WithProjects (pure): an imported checklist composed into the model's checklist; ProjectCode.</summary>
public sealed class ImportedFlorasTests
{
    private static readonly Lazy<Checklist> Demo = new(() => Checklist.Load(RepoPaths.Checklist));

    internal static ImportedFlora TestFlora(string code = "meadows")
    {
        using var temp = new TempDirectory();
        var contents = ChecklistArchive.Read(TestChecklists.Write(temp.Path));
        return ChecklistProjects.ToFlora(ProjectCode.Parse(code), "Meadows", "Meadow plants", contents.Taxa);
    }

    [Fact]
    public void KnownNamesJoinTheProjectAndTheOthersAreKnownOnly()
    {
        var composed = Demo.Value.WithProjects([TestFlora()]);

        Assert.Equal(["Anemonoides nemorosa", "Leucanthemum vulgare", "Ranunculus acris", "Taraxacum officinale"],
            composed.Taxa.Where(t => t.InProject("meadows")).Select(t => t.ScientificNameWithoutAuthor).Order(StringComparer.Ordinal));
        Assert.Equal(["Bellis perennis", "Plantago lanceolata"], composed.KnownOnly("meadows").Select(t => t.ScientificNameWithoutAuthor));
        Assert.True(composed.HasProject("meadows"));
        Assert.Equal(["all", "meadows", "namerica", "useful", "weurope"], composed.Projects);
        // Same taxa, same order: the model's heads still line up.
        Assert.Equal(Demo.Value.Taxa.Select(t => t.ScientificNameWithoutAuthor), composed.Taxa.Select(t => t.ScientificNameWithoutAuthor));
        var meadows = ProjectCatalogue.Describe(composed).Single(p => p.Id == "meadows");
        Assert.Equal(("Meadows", 4, 2, true), (meadows.Title, meadows.TaxonCount, meadows.KnownOnly, meadows.Imported));
        // The bundle's own checklist is unchanged.
        Assert.False(Demo.Value.HasProject("meadows"));
    }

    [Theory]
    [InlineData("Chrysanthemum leucanthemum", "Leucanthemum vulgare")]
    [InlineData("chrysanthemum_LEUCANTHEMUM", "Leucanthemum vulgare")]
    [InlineData("Leontodon taraxacum", "Taraxacum officinale")]
    [InlineData("Anemone nemorosa", "Anemonoides nemorosa")]
    [InlineData("Leucanthemum vulgare", "Leucanthemum vulgare")]
    public void SynonymsResolveToTheAcceptedTaxon(string typed, string accepted)
    {
        var composed = Demo.Value.WithProjects([TestFlora()]);
        var i = composed.IndexOf(typed);
        Assert.True(i >= 0, typed);
        Assert.Equal(accepted, composed.Taxa[i].ScientificNameWithoutAuthor);
        Assert.Equal(-1, Demo.Value.IndexOf("Chrysanthemum leucanthemum"));
    }

    [Fact]
    public void TheNameSearchFindsTheAcceptedTaxonBySynonym()
    {
        var composed = Demo.Value.WithProjects([TestFlora()]);
        Assert.Equal(["Leucanthemum vulgare"], TaxonSearch.Find(composed, "all", "chrysanth", "en").Select(t => t.ScientificNameWithoutAuthor));
        Assert.Equal(["Leucanthemum vulgare"], TaxonSearch.Find(composed, "meadows", "Chrysanthemum leuc", "fr").Select(t => t.ScientificNameWithoutAuthor));
        // The species list of an imported project: identifiable and known-only names, by name.
        Assert.Equal([("Bellis perennis", false)], TaxonSearch.FindWithKnownOnly(composed, "meadows", "paquer", "fr").Select(x => (x.Taxon.ScientificNameWithoutAuthor, x.Identifiable)));
        Assert.Equal(6, TaxonSearch.FindWithKnownOnly(composed, "meadows", null, "en").Count());
    }

    [Fact]
    public void VernacularNamesFillOnlyMissingLanguages()
    {
        var composed = Demo.Value.WithProjects([TestFlora()]);
        var leucanthemum = composed.Taxa[composed.IndexOf("Leucanthemum vulgare")];
        Assert.Equal(Demo.Value.Taxa[Demo.Value.IndexOf("Leucanthemum vulgare")].NamesIn("fr"), leucanthemum.NamesIn("fr"));
    }

    [Fact]
    public void TheBundlesOwnProjectsWin()
    {
        var clash = TestFlora("weurope");
        var composed = Demo.Value.WithProjects([clash]);
        Assert.Empty(composed.ImportedProjects);
        Assert.Equal(Demo.Value.Taxa.Count(t => t.InProject("weurope")), composed.Taxa.Count(t => t.InProject("weurope")));
    }

    [Fact]
    public void AModelTaxonNamedByASynonymMatchesTheAcceptedName()
    {
        // The checklist accepts a name the model spells as one of its synonyms.
        var flora = new ImportedFlora(ProjectCode.Parse("renamed"), "Renamed", "",
            [new FloraName("Scilla non-scripta", "(L.) Hoffmanns. & Link", "species", "Scilla", "Asparagaceae", ["Hyacinthoides non-scripta"], new Dictionary<string, IReadOnlyList<string>>())]);
        var composed = Demo.Value.WithProjects([flora]);
        Assert.Empty(composed.KnownOnly("renamed"));
        Assert.Equal("Hyacinthoides non-scripta", composed.Taxa[composed.IndexOf("Scilla non-scripta")].ScientificNameWithoutAuthor);
    }

    [Theory]
    [InlineData("meadows", true)]
    [InlineData("flora-de-france-2025", true)]
    [InlineData("ab", true)]
    [InlineData("a", false)]
    [InlineData("Meadows", false)]
    [InlineData("méadows", false)]
    [InlineData("mea dows", false)]
    [InlineData("mea_dows", false)]
    [InlineData("all", false)]
    [InlineData("best", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("a1234567890123456789012345678901234567890", false)]
    public void ProjectCodes(string? text, bool valid)
    {
        Assert.Equal(valid, ProjectCode.TryParse(text, out var code));
        if (valid) Assert.Equal(text, code.Value);
        else Assert.Throws<ArgumentException>(() => ProjectCode.Parse(text));
    }
}
