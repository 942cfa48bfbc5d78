using System.Net;
using System.Text.Json.Nodes;
using Florascope.Data;
using Florascope.Data.Models;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Observatory;

/// <summary>
/// A server of its own for the game's tests: what /api/game/next offers depends on every
/// observation in the database, so no other test class may add any. (Test servers run no scheduled
/// revision batch, so expertise and scores change only through the requests made here.)
/// </summary>
public sealed class GameServerFixture : ObservatoryServerFixture;

/// <summary>"Help identify" (/api/game/*), the model history (/api/models) and votes on photos, over real HTTP.</summary>
[Trait("Category", "Slow")]
public sealed class GameApiTests(GameServerFixture fixture) : IClassFixture<GameServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // The demo model is unsure of this photo (top score about 0.39 < 0.7), so it does not vote on it;
    // it is sure of the dandelion (about 0.99) and votes there.
    private static Photo Chickweed => Photos.Plant("Stellaria_media");

    [Fact]
    public async Task SignedOutPlayersAreUnauthorizedButTheLeaderboardIsPublic()
    {
        using var anonymous = fixture.NewClient();
        await (await anonymous.Http.GetAsync("api/game/next", Ct)).ErrorAsync(401);
        await (await anonymous.Http.GetAsync("api/game/me", Ct)).ErrorAsync(401);
        using var author = await fixture.NewUserAsync("author");
        var id = await CreateAsync(author, Chickweed, "Stellaria media");
        await (await SkipAsync(anonymous, id)).ErrorAsync(401);
        Assert.IsType<JsonArray>(await anonymous.Http.GetJsonAsync("api/game/leaderboard"));
    }

    [Fact]
    public async Task BadProjectsAndCountsAreRefused()
    {
        using var player = await fixture.NewUserAsync("player");
        Assert.Contains("weurope", await (await player.Http.GetAsync("api/game/next?project=atlantis", Ct)).ErrorAsync(404), StringComparison.Ordinal);
        await (await player.Http.GetAsync("api/game/next?count=0", Ct)).ErrorAsync(400);
        await (await player.Http.GetAsync("api/game/next?count=21", Ct)).ErrorAsync(400);
        await (await player.Http.GetAsync("api/game/leaderboard?count=0", Ct)).ErrorAsync(400);
        await (await player.Http.GetAsync("api/game/leaderboard?count=101", Ct)).ErrorAsync(400);
        Assert.IsType<JsonArray>(await player.Http.GetJsonAsync("api/game/next?project=weurope&count=20"));
    }

    [Fact]
    public async Task TheStreamOffersObservationsThatNeedVotesAndASkipRemovesThem()
    {
        using var author = await fixture.NewUserAsync("author");
        using var player = await fixture.NewUserAsync("player");
        // "I don't know": only the model votes (weight 1.7 < 2), so it needs votes.
        var unknown = await CreateAsync(author, Photos.Plant("Taraxacum_officinale"), null);
        // The author and the sure model agree (0.74 + 1.7 > 2): valid at once, never offered.
        var valid = await CreateAsync(author, Photos.Plant("Taraxacum_officinale"), "Taraxacum officinale");

        var offered = await NextAsync(player);
        var item = Assert.Single(offered, o => o!["id"]!.GetValue<int>() == unknown)!;
        Assert.DoesNotContain(offered, o => o!["id"]!.GetValue<int>() == valid);
        Assert.Equal("needs-votes", item["status"]!.GetValue<string>());
        Assert.Equal(0, item["votes"]!.GetValue<int>());
        Assert.Single(item["photos"]!.AsArray());
        Assert.Equal("Taraxacum officinale", item["suggestion"]!["modelTaxonName"]!.GetValue<string>());
        Assert.True(item["suggestion"]!["modelScore"]!.GetValue<double>() >= 0.7);

        // Hidden suggestion: the same observation, without the model's (or the community's) name.
        var hidden = Assert.Single(await NextAsync(player, "hideSuggestion=true"), o => o!["id"]!.GetValue<int>() == unknown)!;
        Assert.Null(hidden["suggestion"]);
        Assert.Contains("\"suggestion\":null", hidden.ToJsonString(), StringComparison.Ordinal);

        // An author is not offered their own observations.
        Assert.DoesNotContain(await NextAsync(author), o => o!["id"]!.GetValue<int>() == unknown);

        // Skip: the token travels in the header; without it nothing is stored.
        using (var noToken = await player.Http.PostAsync($"api/game/skip/{unknown}", null, Ct)) await noToken.ErrorAsync(400);
        Assert.Equal(0, await fixture.WithDbAsync(db => db.GameSkips.CountAsync(s => s.UserId == player.UserId, Ct)));
        await (await SkipAsync(player, 999_999)).ErrorAsync(404);
        using (var skipped = await SkipAsync(player, unknown)) Assert.Equal(HttpStatusCode.NoContent, skipped.StatusCode);
        using (var again = await SkipAsync(player, unknown)) Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(1, await fixture.WithDbAsync(db => db.GameSkips.CountAsync(s => s.UserId == player.UserId, Ct)));
        Assert.DoesNotContain(await NextAsync(player), o => o!["id"]!.GetValue<int>() == unknown);

        // Another player still gets it.
        using var other = await fixture.NewUserAsync("other");
        Assert.Contains(await NextAsync(other), o => o!["id"]!.GetValue<int>() == unknown);
    }

    [Fact]
    public async Task AProposalScoresWhenTheCommunityValidatesIt()
    {
        using var author = await fixture.NewUserAsync("author");
        using var first = await fixture.NewUserAsync("first");
        using var second = await fixture.NewUserAsync("second");
        var id = await CreateAsync(author, Chickweed, "Stellaria media");
        var detail = await author.Http.GetJsonAsync($"api/observations/{id}");
        Assert.Equal("needs-votes", detail["revision"]!["status"]!.GetValue<string>());
        Assert.Equal("Stellaria media", detail["revision"]!["modelTaxonName"]!.GetValue<string>());
        Assert.True(detail["revision"]!["modelScore"]!.GetValue<double>() < detail["revision"]!["modelMinScore"]!.GetValue<double>());
        Assert.Single(detail["revision"]!["votes"]!.AsArray());

        // A disputed observation comes first in the stream.
        using (var r = await first.IdentifyAsync(id, "Galium aparine")) Assert.Equal("disputed", (await r.JsonAsync())["revision"]!["status"]!.GetValue<string>());
        Assert.Equal(id, (await NextAsync(second))[0]!["id"]!.GetValue<int>());
        using (var r = await first.IdentifyAsync(id, "Stellaria media")) Assert.Equal("needs-votes", (await r.JsonAsync())["revision"]!["status"]!.GetValue<string>());

        var me = await first.Http.GetJsonAsync("api/game/me");
        Assert.Equal((0, 0, 1, 1), (me["expertise"]!.GetValue<int>(), me["score"]!.GetValue<int>(), me["proposals"]!.GetValue<int>(), me["pending"]!.GetValue<int>()));
        Assert.Equal(Math.Log(2.1), me["weight"]!.GetValue<double>(), 9);
        Assert.False(me["canValidateAlone"]!.GetValue<bool>());

        // Three agreeing votes of weight ln 2.1: confidence 2.23 > 2, accuracy 1 > 0.7.
        using (var r = await second.IdentifyAsync(id, "stellaria media"))
        {
            var revision = (await r.JsonAsync())["revision"]!;
            Assert.Equal("valid", revision["status"]!.GetValue<string>());
            Assert.Equal(3 * Math.Log(2.1), revision["confidence"]!.GetValue<double>(), 9);
            Assert.Equal(1, revision["accuracy"]!.GetValue<double>(), 9);
            Assert.All(revision["votes"]!.AsArray(), v => Assert.True(v!["agrees"]!.GetValue<bool>()));
        }
        foreach (var player in new[] { first, second })
        {
            var after = await player.Http.GetJsonAsync("api/game/me");
            Assert.Equal((1, 1, 0), (after["score"]!.GetValue<int>(), after["proposals"]!.GetValue<int>(), after["pending"]!.GetValue<int>()));
        }
        // The author's own observation does not score.
        Assert.Equal(0, (await author.Http.GetJsonAsync("api/game/me"))["score"]!.GetValue<int>());
        var board = (await author.Http.GetJsonAsync("api/game/leaderboard?count=100")).AsArray();
        Assert.Contains(board, e => e!["userId"]!.GetValue<int>() == first.UserId && e["score"]!.GetValue<int>() == 1);
        Assert.DoesNotContain(board, e => e!["userId"]!.GetValue<int>() == author.UserId);
        Assert.Equal(Enumerable.Range(1, board.Count), board.Select(e => e!["rank"]!.GetValue<int>()));

        // Valid: no longer offered.
        using var third = await fixture.NewUserAsync("third");
        Assert.DoesNotContain(await NextAsync(third), o => o!["id"]!.GetValue<int>() == id);
    }

    [Fact]
    public async Task TheModelHistoryIsForAdministrators()
    {
        using var anonymous = fixture.NewClient();
        await (await anonymous.Http.GetAsync("api/models", Ct)).ErrorAsync(401);
        using var user = await fixture.NewUserAsync("notadmin");
        Assert.Equal(403, (await (await user.Http.GetAsync("api/models", Ct)).JsonAsync(HttpStatusCode.Forbidden))["statusCode"]!.GetValue<int>());

        await fixture.WithDbAsync(async db =>
        {
            db.ModelVersions.Add(new ModelVersion
            {
                Version = "florascope-demo-1", Path = RepoPaths.ModelBundle, CreatedUtc = new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc),
                MetricsJson = """{"n":120,"top1":0.9,"macroMrr":0.93,"ece":0.04,"nonPlantAccepted":null}""", Promoted = true, IsCurrent = true,
                Decision = "No current model: promoted with macro MRR 0.9300.",
            });
            // A row whose metrics could not be read must not break the page.
            db.ModelVersions.Add(new ModelVersion
            {
                Version = "candidate-2", Path = "/nowhere", CreatedUtc = new DateTime(2026, 5, 2, 0, 0, 0, DateTimeKind.Utc), MetricsJson = "",
                BaselineVersion = "florascope-demo-1", BaselineMetricsJson = """{"macroMrr":0.93}""", Decision = "Not evaluated.",
            });
            return await db.SaveChangesAsync(Ct);
        });
        var history = await fixture.Admin.Http.GetJsonAsync("api/models");
        Assert.Equal("florascope-demo-1", history["running"]!.GetValue<string>());
        var versions = history["versions"]!.AsArray();
        Assert.Equal(["candidate-2", "florascope-demo-1"], versions.Select(v => v!["version"]!.GetValue<string>()));
        Assert.True(versions[1]!["isCurrent"]!.GetValue<bool>() && versions[1]!["isRunning"]!.GetValue<bool>() && versions[1]!["promoted"]!.GetValue<bool>());
        Assert.Equal(0.93, versions[1]!["metrics"]!["macroMrr"]!.GetValue<double>());
        Assert.Equal(0.93, versions[0]!["baselineMetrics"]!["macroMrr"]!.GetValue<double>());
        Assert.False(versions[0]!["isRunning"]!.GetValue<bool>());
        Assert.Empty(versions[0]!["metrics"]!.AsObject());
    }

    [Fact]
    public async Task PhotoVotesAreCountedAndBadOnesStoreNothing()
    {
        using var author = await fixture.NewUserAsync("author");
        var id = await CreateAsync(author, Photos.Plant("Taraxacum_officinale"), "Taraxacum officinale");
        var photo = (await author.Http.GetJsonAsync($"api/observations/{id}"))["photos"]![0]!["id"]!.GetValue<int>();
        var before = await PhotoVoteCountAsync();

        foreach (var (aspect, value) in new[] { ("colour", "yes"), ("organ", "petal"), ("organ", "auto"), ("organ", ""), ("poor-quality", "maybe"), ("duplicate", "YES"), ("", "") })
        {
            using var response = await VoteAsync(author, photo, aspect, value);
            await response.ErrorAsync(400);
        }
        using (var noToken = await author.PostFormAsync($"api/photos/{photo}/votes", [new("aspect", "organ"), new("value", "leaf")], withToken: false)) await noToken.ErrorAsync(400);
        using (var anonymous = fixture.NewClient())
        using (var signedOut = await VoteAsync(anonymous, photo, "organ", "leaf")) await signedOut.ErrorAsync(401);
        using (var missing = await VoteAsync(author, 999_999, "organ", "leaf")) await missing.ErrorAsync(404);
        Assert.Equal(before, await PhotoVoteCountAsync());

        // One vote, then a new one on the same aspect replaces it.
        using (var r = await VoteAsync(author, photo, "organ", "leaf"))
        {
            var tally = Assert.Single((await r.JsonAsync())["photos"]![0]!["votes"]!.AsArray())!;
            Assert.Equal(("organ", "leaf", 1), (tally["aspect"]!.GetValue<string>(), tally["value"]!.GetValue<string>(), tally["count"]!.GetValue<int>()));
            Assert.Equal(Math.Log(2.1), tally["weight"]!.GetValue<double>(), 9);
        }
        using (var r = await VoteAsync(author, photo, "organ", "flower"))
            Assert.Equal("flower", Assert.Single((await r.JsonAsync())["photos"]![0]!["votes"]!.AsArray())!["value"]!.GetValue<string>());
        Assert.Equal(before + 2, await PhotoVoteCountAsync());

        // Three "poor quality" votes weigh 2.23 > 2: the photo is excluded (from training, and from the game).
        using var v1 = await fixture.NewUserAsync("voter");
        using var v2 = await fixture.NewUserAsync("voter");
        JsonNode? last = null;
        foreach (var voter in new[] { author, v1, v2 })
        {
            using var r = await VoteAsync(voter, photo, "poor-quality", "yes");
            last = await r.JsonAsync();
        }
        var voted = last!["photos"]![0]!;
        Assert.Equal("poor-quality", voted["excludedBecause"]!.GetValue<string>());
        var flags = voted["votes"]!.AsArray().Single(v => v!["aspect"]!.GetValue<string>() == "poor-quality")!;
        Assert.Equal(3, flags["count"]!.GetValue<int>());
        Assert.Null(voted["votedOrgan"]);
    }

    private static async Task<int> CreateAsync(ObservatoryClient author, Photo photo, string? taxon)
    {
        var detail = await author.CreatedAsync(photo, taxon is null ? [] : [new("taxon", taxon)]);
        return detail["id"]!.GetValue<int>();
    }

    private static async Task<JsonArray> NextAsync(ObservatoryClient player, string query = "") =>
        (await player.Http.GetJsonAsync("api/game/next?count=20" + (query.Length > 0 ? "&" + query : ""))).AsArray();

    private static async Task<HttpResponseMessage> SkipAsync(ObservatoryClient player, int id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/game/skip/{id}");
        if (player.UserId != 0)
        {
            var (_, header, token) = await player.AntiforgeryAsync();
            request.Headers.Add(header, token);
        }
        return await player.Http.SendAsync(request, Ct);
    }

    private static Task<HttpResponseMessage> VoteAsync(ObservatoryClient voter, int photo, string aspect, string value) =>
        voter.PostFormAsync($"api/photos/{photo}/votes", [new("aspect", aspect), new("value", value)]);

    private Task<int> PhotoVoteCountAsync() => fixture.WithDbAsync(db => db.PhotoVotes.CountAsync(Ct));
}
