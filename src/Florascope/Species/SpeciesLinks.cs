using Florascope.Taxonomy;

namespace Florascope.Species;

/// <summary>Where a taxon is described elsewhere: GBIF (its species page when the key is known, else a name search) and POWO (a name search).</summary>
public static class SpeciesLinks
{
    public static string Gbif(Taxon taxon) =>
        !string.IsNullOrWhiteSpace(taxon.GbifKey) && taxon.GbifKey.All(char.IsAsciiDigit)
            ? "https://www.gbif.org/species/" + taxon.GbifKey
            : "https://www.gbif.org/species/search?q=" + Uri.EscapeDataString(taxon.ScientificNameWithoutAuthor);

    // POWO's identifiers are IPNI ids whose URLs have changed form over time; its name search is stable.
    public static string Powo(Taxon taxon) =>
        "https://powo.science.kew.org/results?q=" + Uri.EscapeDataString(taxon.ScientificNameWithoutAuthor);
}
