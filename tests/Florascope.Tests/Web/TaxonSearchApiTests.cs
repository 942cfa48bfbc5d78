using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>The pages' autocompletion (/api/taxa) and the API's species lists (/v2) find the same taxa: one search.</summary>
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
        Assert.Equal(species, suggested);
    }
}
