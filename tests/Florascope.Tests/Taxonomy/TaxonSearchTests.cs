using Florascope.Taxonomy;

namespace Florascope.Tests.Taxonomy;

/// <summary>The one name search (TaxonSearch), on a hand-made checklist.</summary>
public sealed class TaxonSearchTests
{
    private static Taxon T(string name, string projects, string en = "", string fr = "") => new()
    {
        ScientificNameWithoutAuthor = name,
        Projects = projects.Split(',', StringSplitOptions.RemoveEmptyEntries),
        CommonNames = new Dictionary<string, IReadOnlyList<string>>
        {
            ["en"] = en.Split('|', StringSplitOptions.RemoveEmptyEntries),
            ["fr"] = fr.Split('|', StringSplitOptions.RemoveEmptyEntries),
        },
    };

    private static readonly Checklist Flora = new(
    [
        T("Taraxacum officinale", "weurope", "dandelion", "pissenlit|dent-de-lion"),
        T("Acer campestre", "weurope", "field maple", "érable champêtre"),
        T("Acer palmatum", "useful", "Japanese maple", "érable du Japon"),
        T("Ranunculus acris", "weurope,namerica", "meadow buttercup", "renoncule âcre"),
    ]);

    private static string[] Find(string project, string? prefix, string lang = "en") =>
        [.. TaxonSearch.Find(Flora, project, prefix, lang).Select(t => t.ScientificNameWithoutAuthor)];

    [Theory]
    [InlineData("TARAX", "en", "Taraxacum officinale")]
    [InlineData("  taraxacum off ", "en", "Taraxacum officinale")]
    [InlineData("pissenlit", "fr", "Taraxacum officinale")]
    [InlineData("DENT-DE-LI", "fr", "Taraxacum officinale")]
    [InlineData("lion", "fr", "Taraxacum officinale")]
    [InlineData("acre", "fr", "Ranunculus acris")]
    [InlineData("ÂCRE", "fr", "Ranunculus acris")]
    [InlineData("buttercup", "fr", "Ranunculus acris")]
    [InlineData("dandel", "de", "Taraxacum officinale")]
    public void APrefixOfTheScientificNameOrOfAVernacularWordMatchesWhateverTheCaseAndAccents(string prefix, string lang, string expected) =>
        Assert.Equal([expected], Find(Checklist.AllProject, prefix, lang));

    [Fact]
    public void AccentsInTheNamesAreIgnoredAndResultsAreSortedByScientificName() =>
        Assert.Equal(["Acer campestre", "Acer palmatum"], Find(Checklist.AllProject, "ERABLE", "fr"));

    [Fact]
    public void AnEmptyPrefixListsTheWholeProjectAndTheProjectFilters()
    {
        Assert.Equal(["Acer campestre", "Ranunculus acris", "Taraxacum officinale"], Find("weurope", null));
        Assert.Equal(["Acer campestre", "Ranunculus acris", "Taraxacum officinale"], Find("weurope", "   "));
        Assert.Equal(4, Find(Checklist.AllProject, "").Length);
        Assert.Empty(Find("useful", "tarax"));
        Assert.Empty(Find(Checklist.AllProject, "zzzz"));
    }

    [Fact]
    public void AMatchInsideAWordIsNotAPrefix() => Assert.Empty(Find(Checklist.AllProject, "xacum"));
}
