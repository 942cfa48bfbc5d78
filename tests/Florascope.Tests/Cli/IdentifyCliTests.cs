using System.Text.Json;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Cli;

[Trait("Category", "Slow")]
public sealed class IdentifyCliTests
{
    private static string SunflowerPhoto => RepoPaths.ValPhotosOf("Helianthus_annuus")[0];

    private static async Task<JsonElement> IdentifyJsonAsync(params string[] args)
    {
        CliAssert.BundleExists();
        var r = await CliProcess.RunAsync(["identify", .. args, "--json"]);
        CliAssert.Ok(r);
        using var doc = JsonDocument.Parse(r.StdOut);
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task IdentifyPrintsATableOfTaxa()
    {
        CliAssert.BundleExists();
        var r = await CliProcess.RunAsync("identify", SunflowerPhoto);
        CliAssert.Ok(r);
        Assert.StartsWith("Model ", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("common name (en)", r.StdOut, StringComparison.Ordinal);
        Assert.Contains(CliAssert.Checklist.Taxa, t => r.StdOut.Contains(t.ScientificNameWithoutAuthor, StringComparison.Ordinal));
        // Five results by default, ranked 1..5.
        Assert.Contains("\n 5  ", r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("\n 6  ", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdentifyJsonFollowsTheApiV2Shape()
    {
        var root = await IdentifyJsonAsync(SunflowerPhoto);

        var query = root.GetProperty("query");
        Assert.Equal("all", query.GetProperty("project").GetString());
        var hash = Assert.Single(query.GetProperty("images").EnumerateArray()).GetString();
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal("auto", Assert.Single(query.GetProperty("organs").EnumerateArray()).GetString());
        Assert.Equal(hash, Assert.Single(root.GetProperty("predictedOrgans").EnumerateArray()).GetProperty("image").GetString());
        Assert.Equal("en", root.GetProperty("language").GetString());
        Assert.Equal("all", root.GetProperty("preferedReferential").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));

        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(5, results.Count);
        Assert.Equal(results[0].GetProperty("species").GetProperty("scientificName").GetString(), root.GetProperty("bestMatch").GetString());
        var previous = double.MaxValue;
        foreach (var result in results)
        {
            var score = result.GetProperty("score").GetDouble();
            Assert.InRange(score, 0, previous);
            previous = score;

            var species = result.GetProperty("species");
            var name = species.GetProperty("scientificNameWithoutAuthor").GetString()!;
            var index = CliAssert.Checklist.IndexOf(name);
            Assert.True(index >= 0, $"{name} is not a checklist taxon");
            var taxon = CliAssert.Checklist.Taxa[index];
            Assert.Equal(taxon.Genus, species.GetProperty("genus").GetProperty("scientificName").GetString());
            Assert.Equal(taxon.Family, species.GetProperty("family").GetProperty("scientificName").GetString());
            Assert.Equal(taxon.NamesIn("en"), species.GetProperty("commonNames").EnumerateArray().Select(n => n.GetString()));
            if (taxon.GbifKey is null)
            {
                Assert.False(result.TryGetProperty("gbif", out _));
            }
            else
            {
                var id = result.GetProperty("gbif").GetProperty("id");
                Assert.Equal(JsonValueKind.String, id.ValueKind); // the API sends ids as strings
                Assert.Equal(taxon.GbifKey, id.GetString());
            }
        }
    }

    [Fact]
    public async Task IdentifyFindsTheSunflowerAmongItsResults()
    {
        var root = await IdentifyJsonAsync(SunflowerPhoto);
        Assert.Contains(root.GetProperty("results").EnumerateArray(),
            r => r.GetProperty("species").GetProperty("scientificNameWithoutAuthor").GetString() == "Helianthus annuus");
    }

    [Fact]
    public async Task LangFrGivesFrenchCommonNames()
    {
        var root = await IdentifyJsonAsync(SunflowerPhoto, "--lang", "fr", "--results", "46");
        Assert.Equal("fr", root.GetProperty("language").GetString());
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(46, results.Count);
        foreach (var result in results)
        {
            var species = result.GetProperty("species");
            var taxon = CliAssert.Checklist.Taxa[CliAssert.Checklist.IndexOf(species.GetProperty("scientificNameWithoutAuthor").GetString()!)];
            Assert.Equal(taxon.NamesIn("fr"), species.GetProperty("commonNames").EnumerateArray().Select(n => n.GetString()));
        }
        var sunflower = results.Single(r => r.GetProperty("species").GetProperty("scientificNameWithoutAuthor").GetString() == "Helianthus annuus");
        Assert.Equal(["tournesol", "grand soleil"], sunflower.GetProperty("species").GetProperty("commonNames").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task ProjectRestrictsTheResultsToItsTaxa()
    {
        var root = await IdentifyJsonAsync(SunflowerPhoto, "--project", "namerica", "--results", "46");
        Assert.Equal("namerica", root.GetProperty("preferedReferential").GetString());
        var names = root.GetProperty("results").EnumerateArray()
            .Select(r => r.GetProperty("species").GetProperty("scientificNameWithoutAuthor").GetString()!).ToList();
        var expected = CliAssert.Checklist.Taxa.Where(t => t.InProject("namerica")).Select(t => t.ScientificNameWithoutAuthor);
        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        // Restricted and renormalised: the scores of the flora sum to 1 (up to the 5-decimal rounding).
        Assert.Equal(1.0, root.GetProperty("results").EnumerateArray().Sum(r => r.GetProperty("score").GetDouble()), 1e-3);
    }

    [Fact]
    public async Task SeveralPhotosWithOrgansAreOneObservation()
    {
        var photos = RepoPaths.ValPhotosOf("Helianthus_annuus");
        var root = await IdentifyJsonAsync(photos[0], photos[1], "--organ", "flower", "--organ", "auto");
        Assert.Equal(["flower", "auto"], root.GetProperty("query").GetProperty("organs").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(2, root.GetProperty("predictedOrgans").GetArrayLength());
    }

    [Fact]
    public async Task ANonPlantIsSpeciesNotFound()
    {
        CliAssert.BundleExists();
        var photo = Path.Combine(RepoPaths.NonPlantsVal, "n02504013_Indian_elephant.jpg");
        var rejected = await CliProcess.RunAsync("identify", photo);
        Assert.True(rejected.ExitCode == 3, rejected.ToString());
        Assert.Contains("Species not found", rejected.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", rejected.StdErr, StringComparison.Ordinal);

        var json = await CliProcess.RunAsync("identify", photo, "--json");
        Assert.True(json.ExitCode == 3, json.ToString());
        using (var doc = JsonDocument.Parse(json.StdOut))
        {
            Assert.Equal(404, doc.RootElement.GetProperty("statusCode").GetInt32());
            Assert.Equal("Species not found", doc.RootElement.GetProperty("message").GetString());
        }

        var forced = await CliProcess.RunAsync("identify", photo, "--no-reject");
        CliAssert.Ok(forced);
        Assert.Contains(CliAssert.Checklist.Taxa, t => forced.StdOut.Contains(t.ScientificNameWithoutAuthor, StringComparison.Ordinal));
    }
}
