using System.Net;
using System.Text.Json.Nodes;
using Florascope.Bundles;
using Florascope.Survey;
using Florascope.Tests.Survey;
using Florascope.Tests.TestSupport;
using SkiaSharp;

namespace Florascope.Tests.Web;

/// <summary>POST /v2/survey/tiles/{project} and /api/survey/{project}: the answer, its cost, and every refusal (docs/api.md "Surveys").</summary>
[Trait("Category", "Slow")]
public sealed class SurveyApiTests(SurveyServerFixture fixture) : IClassFixture<SurveyServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly Lazy<ModelBundle> Bundle = new(() => ModelBundle.Load(RepoPaths.ModelBundle));
    private FlorascopeHost Host => fixture.Host;

    [Fact]
    public async Task TheAnswerHasTheContractShapeKeepsTheMosaicsTaxaAndCostsItsUnits()
    {
        var key = await Host.CreateSurveyKeyAsync(quota: 100);
        using var response = await Host.SurveyAsync(key, SurveyCalls.Form(SurveyPlots.FourTaxa, ("show_genus", "true"), ("show_family", "true")), query: "lang=fr");
        var body = await response.JsonAsync();
        TestContext.Current.TestOutputHelper?.WriteLine(body.ToJsonString());

        var query = body["query"]!.AsObject();
        Assert.Equal(["project", "tile_size", "tile_stride", "multi_scale", "size_factor", "min_score", "max_rank"], query.Select(p => p.Key));
        Assert.Equal("all", query["project"]!.GetValue<string>());
        Assert.Equal(600, query["tile_size"]!.GetValue<int>());
        Assert.Equal(300, query["tile_stride"]!.GetValue<int>());
        Assert.True(query["multi_scale"]!.GetValue<bool>());
        Assert.Equal(Math.Sqrt(2), query["size_factor"]!.GetValue<double>(), 4);
        Assert.Equal(0.3, query["min_score"]!.GetValue<double>());
        Assert.Equal(3, query["max_rank"]!.GetValue<int>());

        var results = body["results"]!.AsObject();
        Assert.Equal(["tile_size", "tile_stride", "nb_sub_queries", "nb_matching_sub_queries", "uncovered", "image", "species", "genus", "family"], results.Select(p => p.Key));
        var tiles = results["nb_sub_queries"]!.GetValue<int>();
        Assert.Equal(SurveyTiling.Count(2000, 2000, new TilingSettings()), tiles);
        var image = results["image"]!.AsObject();
        Assert.Equal(["width", "height", "nb_sub_queries", "nb_matching_sub_queries", "uncovered"], image.Select(p => p.Key));
        Assert.Equal((2000, 2000), (image["width"]!.GetValue<int>(), image["height"]!.GetValue<int>()));
        Assert.Equal(tiles, image["nb_sub_queries"]!.GetValue<int>());
        var matching = results["nb_matching_sub_queries"]!.GetValue<int>();
        Assert.InRange(matching, 1, tiles);
        Assert.InRange(results["uncovered"]!.GetValue<double>(), 0, 1);

        var checklist = Bundle.Value.Checklist;
        var species = results["species"]!.AsArray().Select(s => s!.AsObject()).ToList();
        Assert.NotEmpty(species);
        foreach (var s in species)
        {
            var taxon = checklist.Taxa[checklist.IndexOf(s["binomial"]!.GetValue<string>())];
            Assert.Equal(taxon.ScientificName, s["name"]!.GetValue<string>());
            Assert.Equal(taxon.Authorship, s["author"]!.GetValue<string>());
            Assert.Equal(taxon.Genus, s["genus"]!.GetValue<string>());
            Assert.Equal(taxon.Family, s["family"]!.GetValue<string>());
            if (taxon.GbifKey is { } gbif) Assert.Equal(gbif, s["gbif_id"]!.GetValue<string>());
            else Assert.False(s.ContainsKey("gbif_id"));
            Assert.Equal(taxon.NamesIn("fr"), s["common_names"]!.AsArray().Select(n => n!.GetValue<string>()));
            var count = s["count"]!.GetValue<int>();
            Assert.InRange(s["max_score"]!.GetValue<double>(), 0.3, 1);
            Assert.InRange(s["coverage"]!.GetValue<double>(), 0, 1);
            // reject: absent when kept, else one of the rules' codes (SurveyRejectionTests test which rule drops what);
            // a kept species has a best window of at least the default rules' score.
            if (s.ContainsKey("reject")) Assert.Contains(s["reject"]!.GetValue<string>(), Enum.GetValues<SurveyReject>().Select(SurveyRejection.Code));
            else Assert.True(s["max_score"]!.GetValue<double>() >= SurveyRules.Default.MinMaxScore);
            var locations = s["location"]!.AsArray();
            Assert.Equal(count, locations.Count);
            foreach (var l in locations.Select(l => l!.AsObject()))
            {
                Assert.Equal(["center", "size", "score", "organ"], l.Select(p => p.Key));
                Assert.InRange(l["center"]!["x"]!.GetValue<int>(), 0, 2000);
                Assert.InRange(l["center"]!["y"]!.GetValue<int>(), 0, 2000);
                Assert.InRange(l["size"]!.GetValue<int>(), 600, 2000);
                Assert.Contains(l["organ"]!.GetValue<string>(), Bundle.Value.Manifest.OrganLabels);
            }
        }
        // Sorted by coverage, then best score.
        var order = species.Select(s => (s["coverage"]!.GetValue<double>(), s["max_score"]!.GetValue<double>())).ToList();
        Assert.Equal(order.OrderByDescending(o => o.Item1).ThenByDescending(o => o.Item2), order);
        // The mosaic's four taxa are among the kept species.
        var kept = species.Where(s => !s.ContainsKey("reject")).Select(s => s["binomial"]!.GetValue<string>().Replace(' ', '_')).ToList();
        Assert.True(SurveyPlots.Taxa.Count(kept.Contains) >= 3, string.Join(", ", kept));

        foreach (var level in new[] { "genus", "family" })
        {
            var entries = results[level]!.AsArray().Select(e => e!.AsObject()).ToList();
            Assert.NotEmpty(entries);
            Assert.All(entries, e => Assert.Subset(new HashSet<string> { "name", "max_score", "count", "coverage", "reject", "location" }, e.Select(p => p.Key).ToHashSet()));
        }

        var units = SurveyCost.Units(tiles);
        Assert.Equal(units, body["quotaUnits"]!.GetValue<int>());
        Assert.Equal(100 - units, body["remainingIdentificationRequests"]!.GetValue<int>());
        Assert.Equal(units, await Host.Client.CountTodayAsync(key));
        Assert.Equal("all", body["preferedReferential"]!.GetValue<string>());
        Assert.Equal(Bundle.Value.Manifest.Version, body["version"]!.GetValue<string>());
        Assert.StartsWith($"\"dailyQuota\";r={100 - units};", response.Header("RateLimit"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchmarkSurveyScriptRequestsAreAnsweredAsItReadsThem()
    {
        // Exactly what Pl@ntNet's benchmark-survey.js sends (form-data: the file stream, numbers as strings, booleans
        // as 'true'), for the projects best and all, and what it reads back.
        var key = await Host.CreateSurveyKeyAsync(quota: 200);
        foreach (var project in new[] { "best", "all" })
        {
            using var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(SurveyPlots.FourTaxa);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
            form.Add(file, "image", "plot-1.jpg");
            foreach (var (name, value) in new[] { ("tile_size", "600"), ("tile_stride", "300"), ("size_factor", "1.4142135623730951"), ("min_score", "0.3"),
                ("max_rank", "3"), ("multi_scale", "true"), ("show_species", "true"), ("show_genus", "true"), ("show_family", "true") })
                form.Add(new StringContent(value), name);
            using var response = await Host.Client.PostAsync($"v2/survey/tiles/{project}?api-key={key.Secret}", form, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var data = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
            var results = data["results"]!;
            var header = new object[]
            {
                results["image"]!["width"]!.GetValue<int>(), results["image"]!["height"]!.GetValue<int>(),
                results["nb_sub_queries"]!.GetValue<int>(), results["nb_matching_sub_queries"]!.GetValue<int>(),
                results["species"]!.AsArray().Count, results["genus"]!.AsArray().Count, results["family"]!.AsArray().Count,
            };
            Assert.Equal(2000, header[0]);
            Assert.True((int)header[5] > 0 && (int)header[6] > 0);
            var species = results["species"]!.AsArray().Select(s => s!).Where(s => s["name"] is not null && s["reject"] is null)
                .OrderByDescending(s => s["max_score"]!.GetValue<double>()).ToList();
            Assert.NotEmpty(species);
            var binomials = species.Select(s => string.Join(' ', s["name"]!.GetValue<string>().Split(' ').Take(2)).ToLowerInvariant()).ToList();
            TestContext.Current.TestOutputHelper?.WriteLine($"{project} -> {data["preferedReferential"]}: {string.Join(";", header)}; " +
                string.Join("; ", species.Select(s => $"{s["name"]} {s["max_score"]} {s["count"]} {s["coverage"]}")));
            Assert.True(SurveyPlots.Taxa.Count(t => binomials.Contains(t.Replace('_', ' ').ToLowerInvariant())) >= 3, string.Join(", ", binomials));
            Assert.All(species, s => Assert.True(s["count"]!.GetValue<int>() >= 2 && s["coverage"]!.GetValue<double>() > 0));
            Assert.NotEqual("best", data["preferedReferential"]!.GetValue<string>());
        }
    }

    public static TheoryData<string, int, string> Hostile => new()
    {
        { "bytes", 400, "" },
        { "bomb", 413, "" },
        { "corrupt", 400, "" },
        { "tile_size=abc", 400, "tile_size" },
        { "too-many-tiles", 400, "tiles" },
        { "max_rank=0", 400, "max_rank" },
        { "min_score=2", 400, "min_score" },
        { "long-field", 400, "tile_stride" },
        { "two-images", 400, "image" },
        { "no-image", 400, "image" },
        { "not-multipart", 400, "multipart" },
        { "project", 404, "mars" },
        { "lang", 400, "lang" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task HostileInputIsA4xxAndCostsNothing(string input, int status, string said)
    {
        var key = await Host.CreateSurveyKeyAsync(quota: 100);
        var photo = SurveyPlots.Mosaic(300);
        HttpContent body = input switch
        {
            "bytes" => SurveyCalls.Form("not an image at all"u8.ToArray()),
            "bomb" => SurveyCalls.Form(TestImages.PngWithHeader(60_000, 60_000)),
            // A good header (its size, its tiles), then noise where the pixels should be.
            "corrupt" => SurveyCalls.Form([.. photo.Take(700), .. Enumerable.Repeat((byte)0x5A, 40_000)]),
            "tile_size=abc" => SurveyCalls.Form(photo, ("tile_size", "abc")),
            "too-many-tiles" => SurveyCalls.Form(TestImages.Jpeg(4000, 3000, SKColors.Green), ("tile_size", "64"), ("tile_stride", "32")),
            "max_rank=0" => SurveyCalls.Form(photo, ("max_rank", "0")),
            "min_score=2" => SurveyCalls.Form(photo, ("min_score", "2")),
            "long-field" => SurveyCalls.Form(photo, ("tile_stride", new string('3', 100))),
            "two-images" => TwoImages(photo),
            "no-image" => SurveyCalls.Form(null, ("tile_size", "600")),
            "not-multipart" => new StringContent("image=plot.jpg", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
            _ => SurveyCalls.Form(photo),
        };
        using var response = await Host.Client.PostAsync(SurveyCalls.Url(key, input == "project" ? "mars" : "all", input == "lang" ? "lang=xx" : ""), body, Ct);
        Assert.Contains(said, await response.ErrorAsync(status), StringComparison.Ordinal);
        Assert.Equal(0, await Host.Client.CountTodayAsync(key));
    }

    private static MultipartFormDataContent TwoImages(byte[] photo)
    {
        var form = SurveyCalls.Form(photo);
        form.Add(new ByteArrayContent(photo), "image", "second.jpg");
        return form;
    }

    [Fact]
    public async Task ATinyImageIsSurveyedAsOneWindow()
    {
        var key = await Host.CreateSurveyKeyAsync(quota: 10);
        using var response = await Host.SurveyAsync(key, SurveyCalls.Form(TestImages.Jpeg(1, 1, SKColors.Green)));
        var body = await response.JsonAsync();
        Assert.Equal(1, body["results"]!["nb_sub_queries"]!.GetValue<int>());
        Assert.Equal(1, body["quotaUnits"]!.GetValue<int>());
    }

    [Fact]
    public async Task ABodyOver50MBIs413AndCostsNothing()
    {
        var key = await Host.CreateSurveyKeyAsync(quota: 10);
        var big = new byte[60 * 1024 * 1024];
        big[0] = 0xFF;
        big[1] = 0xD8;
        using var request = new HttpRequestMessage(HttpMethod.Post, SurveyCalls.Url(key)) { Content = SurveyCalls.Form(big) };
        request.Headers.ExpectContinue = true;
        using var response = await Host.Client.SendAsync(request, Ct);
        await response.ErrorAsync(413);
        Assert.Equal(0, await Host.Client.CountTodayAsync(key));
    }

    [Fact]
    public async Task KeysWithoutSurveyRightsRevokedUsedUpOrShortOfUnitsAreRefused()
    {
        var plot = SurveyPlots.Mosaic(400);
        var noRights = await Host.CreateSurveyKeyAsync(allowSurvey: false);
        using (var r = await Host.SurveyAsync(noRights, SurveyCalls.Form(plot)))
            Assert.Contains("surveys", await r.ErrorAsync(403, "Forbidden"), StringComparison.Ordinal);

        var revoked = await Host.CreateSurveyKeyAsync();
        await Host.RevokeAsync(revoked);
        using (var r = await Host.SurveyAsync(revoked, SurveyCalls.Form(plot)))
            await r.ErrorAsync(401);

        // 800 x 800 at the defaults: 4 + 1 windows, one unit. A key with 1 unit left passes the check before the body,
        // then is refused once the tiles (2 units' worth at tile_size 200) are known, nothing counted.
        var small = await Host.CreateSurveyKeyAsync(quota: 2);
        using (var ok = await Host.SurveyAsync(small, SurveyCalls.Form(plot)))
            Assert.Equal(1, (await ok.JsonAsync())["remainingIdentificationRequests"]!.GetValue<int>());
        using (var shortOf = await Host.SurveyAsync(small, SurveyCalls.Form(plot, ("tile_size", "200"), ("tile_stride", "100"))))
        {
            var message = await shortOf.ErrorAsync(429);
            var tiles = SurveyTiling.Count(800, 800, new TilingSettings { TileSize = 200, Stride = 100 });
            Assert.Contains($"{SurveyCost.Units(tiles)} units ({tiles} windows); 1 are left", message, StringComparison.Ordinal);
            Assert.StartsWith("\"dailyQuota\";r=1;", shortOf.Header("RateLimit"), StringComparison.Ordinal);
        }
        Assert.Equal(1, await Host.Client.CountTodayAsync(small));
        using (var last = await Host.SurveyAsync(small, SurveyCalls.Form(plot)))
            Assert.Equal(0, (await last.JsonAsync())["remainingIdentificationRequests"]!.GetValue<int>());
        using (var usedUp = await Host.SurveyAsync(small, SurveyCalls.Form(plot)))
        {
            await usedUp.ErrorAsync(429);
            Assert.StartsWith("\"dailyQuota\";r=0;", usedUp.Header("RateLimit"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheWebAppsSurveyIsChargedInUnitsAgainstTheAddressLimitAndBestNamesItsFlora()
    {
        using var form = SurveyCalls.Form(SurveyPlots.Mosaic(400));
        using var response = await Host.Client.PostAsync("api/survey/best?lang=de", form, Ct);
        var body = await response.JsonAsync();
        Assert.Equal("best", body["query"]!["project"]!.GetValue<string>());
        Assert.Contains(body["preferedReferential"]!.GetValue<string>(), Bundle.Value.Checklist.Projects);
        var units = body["quotaUnits"]!.GetValue<int>();
        Assert.Equal(SurveyCost.Units(body["results"]!["nb_sub_queries"]!.GetValue<int>()), units);
        // Florascope:AnonymousDailyIdentifications, 50 by default.
        Assert.Equal(50 - units, body["remainingIdentificationRequests"]!.GetValue<int>());
        using var bad = await Host.Client.PostAsync("api/survey/all", SurveyCalls.Form(SurveyPlots.Mosaic(400), ("max_rank", "31")), Ct);
        Assert.Contains("max_rank", await bad.ErrorAsync(400), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ranunculus_acris", "weurope")]
    // In no regional flora, only in the useful plants: that smallest flora holding it is chosen.
    [InlineData("Lilium_lancifolium", "useful")]
    // A photo the model spreads over several floras (an ostrich, scored anyway): no flora holds 90 %, so all.
    [InlineData("ostrich", "all")]
    public async Task IdentifyWithProjectBestNamesTheChosenFlora(string photo, string flora)
    {
        var key = await Host.CreateKeyAsync(quota: 10);
        var form = photo == "ostrich" ? Photos.Form(Photos.NonPlant("ostrich"), "auto") : Photos.Form(Photos.Plant(photo), "auto");
        using var response = await Host.Client.IdentifyAsync(key, form, "best", "no-reject=true&nb-results=100");
        var body = await response.JsonAsync();
        Assert.Equal(flora, body["preferedReferential"]!.GetValue<string>());
        Assert.Equal("best", body["query"]!["project"]!.GetValue<string>());
        var checklist = Bundle.Value.Checklist;
        var results = body["results"]!.AsArray();
        Assert.Equal(checklist.Taxa.Count(t => t.InProject(flora)), results.Count);
        Assert.All(results, r => Assert.True(checklist.Taxa[checklist.IndexOf(r!["species"]!["scientificNameWithoutAuthor"]!.GetValue<string>())].InProject(flora)));
    }
}
