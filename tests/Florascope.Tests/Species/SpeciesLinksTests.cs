using Florascope.Species;
using Florascope.Taxonomy;

namespace Florascope.Tests.Species;

public sealed class SpeciesLinksTests
{
    [Fact]
    public void GbifLinksTheSpeciesPageWhenTheKeyIsKnownElseSearchesTheName()
    {
        Assert.Equal("https://www.gbif.org/species/5304283",
            SpeciesLinks.Gbif(new Taxon { ScientificNameWithoutAuthor = "Hyacinthoides non-scripta", GbifKey = "5304283" }));
        Assert.Equal("https://www.gbif.org/species/search?q=Ranunculus%20acris",
            SpeciesLinks.Gbif(new Taxon { ScientificNameWithoutAuthor = "Ranunculus acris" }));
        // A key that is not a number is not trusted into a path.
        Assert.Equal("https://www.gbif.org/species/search?q=Rosa",
            SpeciesLinks.Gbif(new Taxon { ScientificNameWithoutAuthor = "Rosa", GbifKey = "../admin" }));
    }

    [Fact]
    public void PowoSearchesTheNameEscaped() =>
        Assert.Equal("https://powo.science.kew.org/results?q=Iris%20%C3%97%20germanica",
            SpeciesLinks.Powo(new Taxon { ScientificNameWithoutAuthor = "Iris × germanica" }));
}
