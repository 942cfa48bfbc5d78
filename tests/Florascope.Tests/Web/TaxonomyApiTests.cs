using System.Net;
using System.Text.Json.Nodes;
using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>The listing endpoints (/v2/projects, /v2/.../species, /v2/languages, /v2/_status) and the pages around the API.</summary>
[Trait("Category", "Slow")]
[Collection(SharedServerCollection.Name)]
public sealed class TaxonomyApiTests(SharedServerFixture fixture)
{
    private FlorascopeHost Host => fixture.Host;

    private static Checklist Checklist => SharedServerFixture.Checklist.Value;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> KeyQueryAsync() => "api-key=" + Uri.EscapeDataString((await Host.CreateKeyAsync()).Secret);

    private async Task<JsonArray> ListAsync(string url) =>
        (await Host.Client.GetJsonAsync($"{url}{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{await KeyQueryAsync()}")).AsArray();

    private static string[] Ids(JsonArray list) => [.. list.Select(x => x!["id"]!.GetValue<string>())];

    private static IEnumerable<string> SortedNames(Func<Taxon, bool> filter) =>
        Checklist.Taxa.Where(filter).Select(t => t.ScientificNameWithoutAuthor).Order(StringComparer.Ordinal);

    [Fact]
    public async Task ProjectsListsTheFloras()
    {
        var projects = await ListAsync("v2/projects");

        Assert.Equal(["all", "namerica", "useful", "weurope"], Ids(projects).Order(StringComparer.Ordinal));
        foreach (var p in projects)
        {
            Assert.Equal(["id", "title", "description"], p!.AsObject().Select(x => x.Key));
            Assert.False(string.IsNullOrEmpty(p["title"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task ProjectsCoveringAPointComeFirst()
    {
        var paris = Ids(await ListAsync("v2/projects?lat=48.8&lon=2.3")).ToList();
        Assert.True(paris.IndexOf("weurope") < paris.IndexOf("namerica"), string.Join(",", paris));
        Assert.Equal("weurope", paris[0]);

        var montreal = Ids(await ListAsync("v2/projects?lat=45.5&lon=-73.6")).ToList();
        Assert.Equal("namerica", montreal[0]);
    }

    [Theory]
    [InlineData("lat=100&lon=2.3")]
    [InlineData("lat=48.8&lon=200")]
    [InlineData("lat=48.8")]
    [InlineData("lat=north&lon=2.3")]
    public async Task ABadPointIs400(string query)
    {
        using var response = await Host.Client.GetAsync($"v2/projects?{query}&{await KeyQueryAsync()}", Ct);
        await response.ErrorAsync(400);
    }

    [Fact]
    public async Task ProjectSpeciesHaveTheDocumentedFields()
    {
        var species = await ListAsync("v2/projects/weurope/species");

        Assert.Equal(SortedNames(t => t.InProject("weurope")), Ids(species));
        foreach (var s in species)
        {
            var o = s!.AsObject();
            Assert.Equal(["id", "scientificNameWithoutAuthor", "scientificNameAuthorship", "gbifId", "commonNames"], o.Select(x => x.Key));
            var taxon = Checklist.Taxa.Single(t => t.ScientificNameWithoutAuthor == o["scientificNameWithoutAuthor"]!.GetValue<string>());
            Assert.Equal(taxon.Authorship, o["scientificNameAuthorship"]!.GetValue<string>());
            // Like gbif.id in identify results: a string, or null when the checklist has no key.
            Assert.Equal(taxon.GbifKey, o["gbifId"]?.GetValue<string>());
            Assert.Equal(taxon.NamesIn("en"), o["commonNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task PagesAreSlicesOfTheWholeList()
    {
        var all = Ids(await ListAsync("v2/projects/weurope/species"));
        var page2 = Ids(await ListAsync("v2/projects/weurope/species?pageSize=5&page=2"));
        Assert.Equal(all[5..10], page2);
        Assert.Equal(all[..5], Ids(await ListAsync("v2/projects/weurope/species?pageSize=5&page=1")));
        Assert.Empty(await ListAsync("v2/projects/weurope/species?pageSize=5&page=100"));
    }

    [Theory]
    [InlineData("pageSize=5")]
    [InlineData("page=2")]
    [InlineData("pageSize=0&page=1")]
    [InlineData("pageSize=5&page=0")]
    [InlineData("lang=xx")]
    public async Task BadPagingOrLangIs400(string query)
    {
        using var response = await Host.Client.GetAsync($"v2/projects/weurope/species?{query}&{await KeyQueryAsync()}", Ct);
        await response.ErrorAsync(400);
    }

    [Fact]
    public async Task SpeciesOfAnUnknownProjectIs404()
    {
        using var response = await Host.Client.GetAsync($"v2/projects/antarctica/species?{await KeyQueryAsync()}", Ct);
        await response.ErrorAsync(404);
    }

    [Theory]
    [InlineData("prefix=TARAX", "Taraxacum officinale")]
    [InlineData("prefix=taraxacum%20off", "Taraxacum officinale")]
    [InlineData("lang=fr&prefix=pissenlit", "Taraxacum officinale")]
    [InlineData("lang=fr&prefix=Dent-de-li", "Taraxacum officinale")]
    [InlineData("lang=de&prefix=lowenzahn", "Taraxacum officinale")]
    [InlineData("lang=de&prefix=L%C3%96WEN", "Taraxacum officinale")]
    [InlineData("lang=fr&prefix=renoncule%20acre", "Ranunculus acris")]
    [InlineData("lang=fr&prefix=acre", "Ranunculus acris")]
    [InlineData("prefix=dandel", "Taraxacum officinale")]
    public async Task PrefixSearchIgnoresCaseAndAccents(string query, string expected)
    {
        var names = Ids(await ListAsync($"v2/species?{query}"));
        Assert.Contains(expected, names);
        Assert.True(names.Length < Checklist.Taxa.Count, "the prefix filtered nothing");
    }

    [Fact]
    public async Task AnAccentedFrenchNameIsFoundByItsUnaccentedPrefix()
    {
        // "érable champêtre", "érable du Japon": typed without accents and in capitals.
        var names = Ids(await ListAsync("v2/species?lang=fr&prefix=ERABLE"));
        Assert.Equal(SortedNames(t => t.NamesIn("fr").Any(n => n.StartsWith("érable", StringComparison.Ordinal))), names);
        Assert.Equal(["Acer campestre", "Acer palmatum"], names);
        Assert.Equal(["érable champêtre"], (await ListAsync("v2/species?lang=fr&prefix=erable%20ch"))[0]!["commonNames"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task SpeciesListsEveryTaxonAndAPrefixOfAProject()
    {
        Assert.Equal(SortedNames(_ => true), Ids(await ListAsync("v2/species")));
        Assert.Equal(46, (await ListAsync("v2/species")).Count);
        // Taraxacum is in weurope, not in useful.
        Assert.Equal(["Taraxacum officinale"], Ids(await ListAsync("v2/projects/weurope/species?prefix=tarax")));
        Assert.Empty(await ListAsync("v2/projects/useful/species?prefix=tarax"));
        Assert.Empty(await ListAsync("v2/species?prefix=zzzz"));
    }

    [Fact]
    public async Task LanguagesAreThe13Codes()
    {
        var languages = (await Host.Client.GetJsonAsync("v2/languages")).AsArray().Select(l => l!.GetValue<string>()).ToList();
        Assert.Equal(["en", "fr", "de", "es", "it", "nl", "pt", "pl", "cs", "ja", "zh", "ar", "ru"], languages);
    }

    [Fact]
    public async Task StatusNeedsNoKey()
    {
        var status = await Host.Client.GetJsonAsync("v2/_status");
        Assert.Equal("ok", status["status"]!.GetValue<string>());
        Assert.Equal("florascope-demo-1", status["model"]!.GetValue<string>());
        Assert.Equal(46, status["taxa"]!.GetValue<int>());
    }

    [Fact]
    public async Task AnUnknownPathIsAJson404()
    {
        using var response = await Host.Client.GetAsync("v2/nothing-here", Ct);
        await response.ErrorAsync(404);
    }

    [Fact]
    public async Task HomePageIsHtmlAboutTheApi()
    {
        using var response = await Host.Client.GetAsync("", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("/v2/identify/all?api-key=", html, StringComparison.Ordinal);
        Assert.Contains("Pl@ntNet API v2", html, StringComparison.Ordinal);
        Assert.Contains(Host.BaseAddress.Authority, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocumentListsIdentify()
    {
        var doc = await Host.Client.GetJsonAsync("openapi/v1.json");
        var paths = doc["paths"]!.AsObject();
        Assert.NotNull(paths["/v2/identify/{project}"]?["post"]);
        foreach (var path in new[] { "/v2/projects", "/v2/projects/{project}/species", "/v2/species", "/v2/languages", "/v2/quota/daily", "/v2/_status" })
            Assert.True(paths.ContainsKey(path), $"{path} is missing from the OpenAPI document");
    }

    [Fact]
    public async Task ScalarReferenceIsServed()
    {
        using var response = await Host.Client.GetAsync("scalar/v1", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
    }
}
