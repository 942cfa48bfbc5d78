using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>
/// The pages' autocompletion (/api/taxa) finds every taxon the API's species lists (/v2) find for a
/// prefix, through the same names; it also looks in the other languages and ranks its answers.
/// </summary>
[Collection(ObservatoryServerCollection.Name)]
[Trait("Category", "Slow")]
public sealed class TaxonSearchApiTests(ObservatoryServerFixture fixture)
{
    [Theory]
    [InlineData("all", "en", "acer")]
    [InlineData("all", "fr", "ERABLE")]
    [InlineData("all", "fr", "dent-de")]
    [InlineData("weurope", "de", "l%C3%B6wen")]
    [InlineData("useful", "en", "tarax")]
    [InlineData("all", "en", "b")]
    public async Task AutocompletionAndTheSpeciesListAgree(string project, string lang, string prefix)
    {
        var key = "api-key=" + Uri.EscapeDataString((await fixture.Host.CreateKeyAsync()).Secret);
        var species = (await fixture.Host.Client.GetJsonAsync($"v2/projects/{project}/species?lang={lang}&prefix={prefix}&{key}")).AsArray()
            .Select(x => x!["scientificNameWithoutAuthor"]!.GetValue<string>()).ToList();
        var suggested = (await fixture.Host.Client.GetJsonAsync($"api/taxa?project={project}&lang={lang}&prefix={prefix}&limit=50")).AsArray()
            .Select(x => x!["name"]!.GetValue<string>()).ToList();
        Assert.Subset(suggested.ToHashSet(), species.ToHashSet());
    }

    [Fact]
    public async Task EachSuggestionSaysWhichNameMatched()
    {
        var first = (await fixture.Host.Client.GetJsonAsync("api/taxa?lang=fr&prefix=flowering%20dog")).AsArray().Single()!;
        Assert.Equal(("Cornus florida", "flowering dogwood", "vernacular"),
            (first["name"]!.GetValue<string>(), first["matched"]!.GetValue<string>(), first["matchedKind"]!.GetValue<string>()));
        Assert.Equal("en", first["matchedLanguage"]!.GetValue<string>());
        // The page's language names the taxa it lists.
        Assert.Contains("cornouiller fleuri", first["commonNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        var scientific = (await fixture.Host.Client.GetJsonAsync("api/taxa?prefix=cornus")).AsArray().Single()!;
        Assert.Equal(("Cornus florida", "scientific"), (scientific["matched"]!.GetValue<string>(), scientific["matchedKind"]!.GetValue<string>()));
        Assert.Null(scientific["matchedLanguage"]);
    }
}
