using System.Text.Json.Nodes;
using Florascope.Tests.Cli;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Floras;

/// <summary>
/// A checklist imported by the command line (another process) while the server runs: the server
/// picks it up at its next poll; it restricts identification, lists its known-only names, and its
/// synonyms resolve wherever people type a name.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ImportedChecklistServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Identifiable = ["Anemonoides nemorosa", "Leucanthemum vulgare", "Ranunculus acris", "Taraxacum officinale"];

    [Fact]
    public async Task AnImportedProjectRestrictsIdentificationAndResolvesSynonyms()
    {
        using var temp = new TempDirectory();
        var serverData = Path.Combine(temp.Path, "server");
        await using var host = await FlorascopeHost.StartAsync(serverData, new FakeClock(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero)),
            new Dictionary<string, string?> { ["Florascope:Models:PollSeconds"] = "0.2" });
        var key = await host.CreateKeyAsync(quota: 1000);
        var apiKey = "api-key=" + Uri.EscapeDataString(key.Secret);
        using (var unknown = await host.Client.IdentifyAsync(key, Photos.Form([Photos.Plant("Leucanthemum_vulgare")]), "meadows"))
            await unknown.ErrorAsync(404);

        var import = await CliProcess.RunAsync("flora", "import-checklist", "--dwca", TestChecklists.Write(temp.Path), "--project", "meadows",
            "--title", "Meadows of the test", "--description", "Meadow plants", "--data-dir", serverData);
        CliAssert.Ok(import);
        Assert.Contains("Imported project meadows: 6 accepted names, 3 synonyms, 5 vernacular names (1 in other languages left out); 4 identifiable by the model, 2 known only.",
            import.StdOut, StringComparison.Ordinal);

        // The server notices within a poll (0.2 s here); bounded wait, nothing asserted on time.
        JsonNode? meadows = null;
        for (var i = 0; i < 300 && meadows is null; i++)
        {
            meadows = (await host.Client.GetJsonAsync("api/projects")).AsArray().FirstOrDefault(p => p!["id"]!.GetValue<string>() == "meadows");
            if (meadows is null) await Task.Delay(100, Ct);
        }
        Assert.NotNull(meadows);
        Assert.Equal(("Meadows of the test", true, 4, 2), (meadows["title"]!.GetValue<string>(), meadows["imported"]!.GetValue<bool>(),
            meadows["identifiable"]!.GetValue<int>(), meadows["knownOnly"]!.GetValue<int>()));

        // /v2/projects: the imported project with its counts; the bundle's keep Pl@ntNet's three fields.
        var projects = (await host.Client.GetJsonAsync($"v2/projects?{apiKey}")).AsArray();
        Assert.Equal(["all", "meadows", "namerica", "useful", "weurope"], projects.Select(p => p!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(["id", "title", "description", "imported", "identifiable", "knownOnly"], projects.Single(p => p!["id"]!.GetValue<string>() == "meadows")!.AsObject().Select(x => x.Key));
        Assert.Equal(["id", "title", "description"], projects.Single(p => p!["id"]!.GetValue<string>() == "weurope")!.AsObject().Select(x => x.Key));
        Assert.Contains("meadows", (await host.Client.GetJsonAsync("v2/_status"))["projects"]!.AsArray().Select(p => p!.GetValue<string>()));

        // The species list: identifiable and known-only names, flagged; the filter resolves synonyms.
        var species = (await host.Client.GetJsonAsync($"v2/projects/meadows/species?lang=fr&{apiKey}")).AsArray();
        Assert.Equal([("Anemonoides nemorosa", true), ("Bellis perennis", false), ("Leucanthemum vulgare", true), ("Plantago lanceolata", false), ("Ranunculus acris", true), ("Taraxacum officinale", true)],
            species.Select(s => (s!["scientificNameWithoutAuthor"]!.GetValue<string>(), s["identifiable"]!.GetValue<bool>())));
        Assert.Equal(["Pâquerette"], species[1]!["commonNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["Leucanthemum vulgare"], Names(await host.Client.GetJsonAsync($"v2/projects/meadows/species?prefix=chrysanthemum%20leuc&{apiKey}")));
        Assert.Equal(["Leucanthemum vulgare"], Names(await host.Client.GetJsonAsync($"v2/species?prefix=chrysanth&{apiKey}")));
        Assert.DoesNotContain("identifiable", (await host.Client.GetJsonAsync($"v2/species?prefix=leuc&{apiKey}"))[0]!.AsObject().Select(x => x.Key));

        // The pages' name search finds the accepted taxon by its synonym.
        Assert.Equal(["Leucanthemum vulgare"], (await host.Client.GetJsonAsync("api/taxa?prefix=chrysanth&project=meadows")).AsArray().Select(t => t!["name"]!.GetValue<string>()));
        Assert.Equal("Anemonoides nemorosa", (await host.Client.GetJsonAsync("api/taxa/Anemone%20nemorosa"))["name"]!.GetValue<string>());
        // The species page lists the synonyms the imported checklist gives.
        Assert.Contains((await host.Client.GetJsonAsync("api/taxa/Leucanthemum%20vulgare"))["synonyms"]!.AsArray(),
            n => n!.GetValue<string>().StartsWith("Chrysanthemum leucanthemum", StringComparison.Ordinal));

        // Identification is restricted to the four taxa the model knows among the project's names.
        var photo = Photos.Plant("Leucanthemum_vulgare", 3);
        using (var response = await host.Client.IdentifyAsync(key, Photos.Form([photo]), "meadows"))
        {
            var results = (await response.JsonAsync())["results"]!.AsArray().Select(r => r!["species"]!["scientificNameWithoutAuthor"]!.GetValue<string>()).ToList();
            Assert.NotEmpty(results);
            Assert.All(results, r => Assert.Contains(r, Identifiable));
        }
        using (var response = await host.Client.PostAsync("api/identify/meadows", Photos.Form([photo]), Ct))
        {
            var results = (await response.JsonAsync())["results"]!.AsArray().Select(r => r!["species"]!["scientificNameWithoutAuthor"]!.GetValue<string>()).ToList();
            Assert.All(results, r => Assert.Contains(r, Identifiable));
        }

        // The observation form takes the project; a typed synonym is stored as the accepted name,
        // in the observation and in a proposal (the game proposes through the same endpoint).
        using var author = new ObservatoryClient(host.BaseAddress);
        using var player = new ObservatoryClient(host.BaseAddress);
        await author.SignedUpAsync("author");
        var playerId = (await player.SignedUpAsync("player"))["id"]!.GetValue<int>();
        var created = await author.CreatedAsync(photo, [new("taxon", "Chrysanthemum leucanthemum"), new("project", "meadows"),
            new("latitude", "48.5"), new("longitude", "2.25")]);
        Assert.Equal(("Leucanthemum vulgare", "meadows"), (created["taxonName"]!.GetValue<string>(), created["project"]!.GetValue<string>()));

        // The map's and the list's taxon filters: a synonym or another spelling finds the observation stored under the accepted name.
        var createdId = created["id"]!.GetValue<int>();
        foreach (var typed in new[] { "Chrysanthemum%20leucanthemum", "chrysanthemum_LEUCANTHEMUM", "leucanthemum%20VULGARE" })
        {
            Assert.Equal([createdId], await MapIdsAsync(author.Http, typed));
            Assert.Equal([createdId], (await author.Http.GetJsonAsync($"api/observations?taxon={typed}")).AsArray().Select(o => o!["id"]!.GetValue<int>()));
        }
        Assert.Empty(await MapIdsAsync(author.Http, "Bellis%20perennis"));
        // One nobody named yet (the model's vote alone does not validate it) is offered in the game.
        var id = (await author.CreatedAsync(Photos.Plant("Taraxacum_officinale", 2), [new("project", "meadows")]))["id"]!.GetValue<int>();
        var offered = await player.Http.GetJsonAsync("api/game/next?project=meadows&count=5");
        Assert.Contains(id, offered.AsArray().Select(o => o!["id"]!.GetValue<int>()));
        using (var proposal = await player.IdentifyAsync(id, "Leontodon taraxacum"))
        {
            var detail = await proposal.JsonAsync();
            var current = detail["identifications"]!.AsArray().Single(i => i!["isCurrent"]!.GetValue<bool>() && i["userId"]!.GetValue<int>() == playerId)!;
            Assert.Equal("Taraxacum officinale", current["taxonName"]!.GetValue<string>());
        }

        // Re-importing replaces the project; the server follows.
        var again = await CliProcess.RunAsync("flora", "import-checklist", "--dwca", TestChecklists.Write(temp.Path, "small.zip",
            taxa: ["1\tRanunculus acris L.\tL.\tspecies\t\taccepted\tRanunculus\tRanunculaceae",
                // A misapplied name is left out, and said so.
                "2\tTaraxacum officinale auct.\t\tspecies\t1\tmisapplied\tTaraxacum\tAsteraceae"], vernacular: []),
            "--project", "meadows", "--title", "Meadows, smaller", "--data-dir", serverData);
        CliAssert.Ok(again);
        Assert.Contains("Replaced project meadows: 1 accepted names, 0 synonyms (1 misapplied names left out), 0 vernacular names; 1 identifiable by the model, 0 known only.",
            again.StdOut, StringComparison.Ordinal);
        JsonNode? smaller = null;
        for (var i = 0; i < 300 && smaller is null; i++)
        {
            smaller = (await host.Client.GetJsonAsync("api/projects")).AsArray().FirstOrDefault(p => p!["title"]!.GetValue<string>() == "Meadows, smaller");
            if (smaller is null) await Task.Delay(100, Ct);
        }
        Assert.NotNull(smaller);
        Assert.Equal(["Ranunculus acris"], Names(await host.Client.GetJsonAsync($"v2/projects/meadows/species?{apiKey}")));
    }

    private static async Task<List<int>> MapIdsAsync(HttpClient http, string taxon)
    {
        using var response = await http.GetAsync($"api/observations.geojson?taxon={taxon}", Ct);
        response.EnsureSuccessStatusCode();
        var geo = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        return [.. geo["features"]!.AsArray().Select(f => f!["properties"]!["id"]!.GetValue<int>())];
    }

    private static IEnumerable<string> Names(JsonNode list) => list.AsArray().Select(s => s!["scientificNameWithoutAuthor"]!.GetValue<string>());
}
