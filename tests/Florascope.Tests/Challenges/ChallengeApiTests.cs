using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Tests.TestSupport;
using Florascope.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Challenges;

/// <summary>
/// One real server (SQLite) for the participants' API tests, with small run limits: uploads up to 11 MB on the run
/// route (above the general 2 MB request limit), runs up to 1 MB once decompressed. Each test makes its own challenge.
/// </summary>
public sealed class ChallengeApiServer : IAsyncLifetime
{
    public const long RouteLimit = 11L * 1024 * 1024;
    public const long TextLimit = 1024 * 1024;
    public const long GeneralLimit = 2L * 1024 * 1024;

    private readonly TempDirectory _data = new();
    private readonly List<ObservatoryClient> _clients = [];
    private FlorascopeHost? _host;
    private int _users;

    public FlorascopeHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public string DataDirectory => _data.Path;

    /// <summary>The first account: an administrator.</summary>
    public ObservatoryClient Admin { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await FlorascopeHost.StartAsync(_data.Path, new FakeClock(new DateTimeOffset(2026, 5, 20, 10, 0, 0, TimeSpan.Zero)), new Dictionary<string, string?>
        {
            ["Florascope:MaxRequestBytes"] = GeneralLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Florascope:Challenges:MaxRunUploadBytes"] = RouteLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Florascope:Challenges:MaxRunTextBytes"] = TextLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Florascope:Challenges:Baseline"] = "false",
        });
        Admin = await NewUserAsync("admin");
    }

    public async Task<ObservatoryClient> NewUserAsync(string prefix = "player")
    {
        var client = new ObservatoryClient(Host.BaseAddress);
        _clients.Add(client);
        await client.SignedUpAsync($"{prefix}{Interlocked.Increment(ref _users)}");
        return client;
    }

    public ObservatoryClient Anonymous()
    {
        var client = new ObservatoryClient(Host.BaseAddress);
        _clients.Add(client);
        return client;
    }

    public async Task<T> WithDbAsync<T>(Func<FlorascopeDb, Task<T>> work)
    {
        await using var scope = Host.App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<FlorascopeDb>());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients) c.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        _data.Dispose();
    }
}

[Trait("Category", "Slow")]
public sealed class ChallengeApiTests(ChallengeApiServer server) : IClassFixture<ChallengeApiServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonNode> TeamAsync(ObservatoryClient client, string slug, string name)
    {
        using var response = await client.PostFormAsync($"api/challenges/{slug}/teams", [new("name", name)]);
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private Task<int> RunRowsAsync(string slug) => server.WithDbAsync(db => db.ChallengeRuns.CountAsync(r => db.Challenges.Any(c => c.Slug == slug && c.Id == r.ChallengeId), Ct));

    [Fact]
    public async Task TheListAndTheDetailShowTheChallengeAndTheSignedInAccountsTeam()
    {
        await ChallengeTestData.CreateAsync(server.Host, "list-detail");
        var list = (await server.Anonymous().Http.GetJsonAsync("api/challenges")).AsArray();
        var item = list.Single(c => c!["slug"]!.GetValue<string>() == "list-detail")!;
        Assert.Equal("open", item["phase"]!.GetValue<string>());
        Assert.Equal(4, item["testObservations"]!.GetValue<int>());
        Assert.Equal(0, item["teams"]!.GetValue<int>());

        var anonymous = (await server.Anonymous().Http.GetJsonAsync("api/challenges/list-detail")).AsObject();
        Assert.False(anonymous.ContainsKey("myTeam"));
        Assert.False(anonymous.ContainsKey("myInvitations"));
        Assert.False(anonymous.ContainsKey("closedUtc"));
        Assert.Equal(50, anonymous["publicPercent"]!.GetValue<int>());

        var alice = await server.NewUserAsync();
        var before = (await alice.Http.GetJsonAsync("api/challenges/list-detail")).AsObject();
        Assert.False(before.ContainsKey("myTeam"));
        Assert.Empty(before["myInvitations"]!.AsArray());

        var team = await TeamAsync(alice, "list-detail", "Alpha");
        Assert.Equal("Alpha", team["name"]!.GetValue<string>());
        Assert.Equal(5, team["runsLeft"]!.GetValue<int>());
        var after = await alice.Http.GetJsonAsync("api/challenges/list-detail");
        Assert.Equal("Alpha", after["myTeam"]!["name"]!.GetValue<string>());
        Assert.Single(after["myTeam"]!["members"]!.AsArray());
        Assert.Equal(1, (await server.Anonymous().Http.GetJsonAsync("api/challenges")).AsArray().Single(c => c!["slug"]!.GetValue<string>() == "list-detail")!["teams"]!.GetValue<int>());

        using var missing = await server.Anonymous().Http.GetAsync("api/challenges/no-such-challenge", Ct);
        await ChallengeTestData.ErrorAsync(missing, HttpStatusCode.NotFound);
        using var twice = await alice.PostFormAsync("api/challenges/list-detail/teams", [new("name", "Beta")]);
        await ChallengeTestData.ErrorAsync(twice, HttpStatusCode.Conflict);
        var bob = await server.NewUserAsync();
        using var taken = await bob.PostFormAsync("api/challenges/list-detail/teams", [new("name", "Alpha")]);
        await ChallengeTestData.ErrorAsync(taken, HttpStatusCode.Conflict);
        using var noToken = await bob.PostFormAsync("api/challenges/list-detail/teams", [new("name", "Gamma")], withToken: false);
        await ChallengeTestData.ErrorAsync(noToken, HttpStatusCode.BadRequest);
        using var anonymousTeam = await server.Anonymous().PostFormAsync("api/challenges/list-detail/teams", [new("name", "Delta")]);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousTeam.StatusCode);
    }

    [Fact]
    public async Task AValidRunIsQueuedThenScoredWithTheHandComputedScoresAndRankedAndThePrivateBoardAppearsOnClosing()
    {
        await ChallengeTestData.CreateAsync(server.Host, "scored");
        var alice = await server.NewUserAsync();
        await TeamAsync(alice, "scored", "Alpha");
        using var upload = await ChallengeTestData.UploadAsync(alice, "scored", ChallengeTestData.Gzip(Bytes(ChallengeTestData.GoodRun)), "run.txt.gz");
        var queued = await upload.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("queued", queued["status"]!.GetValue<string>());
        Assert.Equal(9, queued["predictions"]!.GetValue<long>());
        Assert.Equal(Bytes(ChallengeTestData.GoodRun).Length, queued["bytes"]!.GetValue<long>());
        Assert.Equal("run.txt.gz", queued["fileName"]!.GetValue<string>());
        Assert.False(queued.AsObject().ContainsKey("public"));

        var run = await ChallengeTestData.ScoredRunAsync(alice, "scored", queued["id"]!.GetValue<long>());
        Assert.Equal("scored", run["status"]!.GetValue<string>());
        Assert.Equal(0.75, run["public"]!["mrr"]!.GetValue<double>(), 12);
        Assert.Equal(0.75, run["public"]!["macroMrr"]!.GetValue<double>(), 12);
        Assert.Equal(0.5, run["public"]!["top1"]!.GetValue<double>(), 12);
        Assert.Equal(1.0, run["public"]!["top5"]!.GetValue<double>(), 12);
        Assert.False(run.AsObject().ContainsKey("private"));

        // A second team with a perfect plain-text run ranks first.
        var bob = await server.NewUserAsync();
        await TeamAsync(bob, "scored", "Beta");
        using var perfect = await ChallengeTestData.UploadAsync(bob, "scored", Bytes(ChallengeTestData.PerfectRun), tokenInHeader: true);
        var perfectRun = await ChallengeTestData.ScoredRunAsync(bob, "scored", (await perfect.JsonAsync(HttpStatusCode.Accepted))["id"]!.GetValue<long>());
        Assert.Equal(1.0, perfectRun["public"]!["macroMrr"]!.GetValue<double>(), 12);

        var board = await server.Anonymous().Http.GetJsonAsync("api/challenges/scored/leaderboard");
        Assert.Equal("public", board["board"]!.GetValue<string>());
        var entries = board["entries"]!.AsArray();
        Assert.Equal(["Beta", "Alpha"], entries.Select(e => e!["team"]!.GetValue<string>()));
        Assert.Equal([1, 2], entries.Select(e => e!["rank"]!.GetValue<int>()));
        Assert.Equal(0.75, entries[1]!["mrr"]!.GetValue<double>(), 12);
        Assert.Equal("ResNet18 features, logistic regression", entries[1]!["method"]!.GetValue<string>());
        Assert.False(entries[1]!["isBaseline"]!.GetValue<bool>());
        Assert.Equal(1, entries[1]!["runs"]!.GetValue<int>());

        using var hidden = await server.Anonymous().Http.GetAsync("api/challenges/scored/leaderboard?board=private", Ct);
        await ChallengeTestData.ErrorAsync(hidden, HttpStatusCode.Forbidden);
        using var bad = await server.Anonymous().Http.GetAsync("api/challenges/scored/leaderboard?board=secret", Ct);
        await ChallengeTestData.ErrorAsync(bad, HttpStatusCode.BadRequest);
        using var number = await server.Anonymous().Http.GetAsync("api/challenges/scored/leaderboard?board=7", Ct);
        await ChallengeTestData.ErrorAsync(number, HttpStatusCode.BadRequest);

        using var close = await server.Admin.PostFormAsync("api/admin/challenges/scored/close", []);
        var closed = await close.JsonAsync();
        Assert.Equal("closed", closed["phase"]!.GetValue<string>());
        var privateBoard = await server.Anonymous().Http.GetJsonAsync("api/challenges/scored/leaderboard?board=private");
        var alpha = privateBoard["entries"]!.AsArray().Single(e => e!["team"]!.GetValue<string>() == "Alpha")!;
        Assert.Equal(0.125, alpha["mrr"]!.GetValue<double>(), 12);
        Assert.Equal(0.125, alpha["macroMrr"]!.GetValue<double>(), 12);
        Assert.Equal(0.0, alpha["top1"]!.GetValue<double>(), 12);
        Assert.Equal(0.5, alpha["top5"]!.GetValue<double>(), 12);
        var mine = (await alice.Http.GetJsonAsync("api/challenges/scored/runs")).AsArray().Single()!;
        Assert.Equal(0.125, mine["private"]!["mrr"]!.GetValue<double>(), 12);

        // Closed: no more runs, no new teams.
        using var late = await ChallengeTestData.UploadAsync(alice, "scored", Bytes(ChallengeTestData.PerfectRun));
        await ChallengeTestData.ErrorAsync(late, HttpStatusCode.Conflict);
        var carol = await server.NewUserAsync();
        using var lateTeam = await carol.PostFormAsync("api/challenges/scored/teams", [new("name", "Late")]);
        await ChallengeTestData.ErrorAsync(lateTeam, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task HostileUploadsAreRefusedWithTheirReasonAndLeaveNothingBehind()
    {
        await ChallengeTestData.CreateAsync(server.Host, "hostile");
        var alice = await server.NewUserAsync();
        await TeamAsync(alice, "hostile", "Alpha");

        // A gzip bomb: a few KB expanding to twice the text limit (blank lines, which the checker skips).
        var bomb = ChallengeTestData.Gzip(new byte[2 * ChallengeApiServer.TextLimit].Select(_ => (byte)'\n').ToArray());
        Assert.True(bomb.Length < 64 * 1024);
        using (var r = await ChallengeTestData.UploadAsync(alice, "hostile", bomb, "bomb.txt.gz"))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.RequestEntityTooLarge);

        // Over the route's limit.
        using (var r = await ChallengeTestData.UploadAsync(alice, "hostile", new byte[ChallengeApiServer.RouteLimit + 1024]))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.RequestEntityTooLarge);

        // Over the route's limit without a declared length (chunked): stopped while it streams.
        using (var chunked = new MultipartFormDataContent())
        {
            var (_, header, token) = await alice.AntiforgeryAsync();
            chunked.Add(new StringContent("m"), "method");
            chunked.Add(new StreamContent(new MemoryStream(new byte[ChallengeApiServer.RouteLimit + 1024])), "run", "run.txt");
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/challenges/hostile/runs") { Content = chunked };
            request.Headers.TransferEncodingChunked = true;
            request.Headers.Add(header, token);
            // Only 1 KB over: the rest fits in the socket's buffers, so the client reads the answer rather than a broken pipe.
            using var response = await alice.Http.SendAsync(request, Ct);
            await ChallengeTestData.ErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        }

        // Named .gz, not gzip: read as text, and refused as text.
        using (var r = await ChallengeTestData.UploadAsync(alice, "hostile", Bytes("this is not gzip\n"), "run.txt.gz"))
        {
            var body = await r.JsonAsync(HttpStatusCode.BadRequest);
            Assert.Equal(1, body["errors"]![0]!["line"]!.GetValue<int>());
        }

        // No run part; no method.
        using (var r = await ChallengeTestData.UploadAsync(alice, "hostile", [], runPart: false))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.BadRequest);
        using (var r = await ChallengeTestData.UploadAsync(alice, "hostile", Bytes(ChallengeTestData.PerfectRun), method: null))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.BadRequest);
        using (var r = await ChallengeTestData.UploadAsync(alice, "hostile", Bytes(ChallengeTestData.PerfectRun), method: new string('x', 1001)))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.BadRequest);

        // 10 MB without a line break: above the general request limit, accepted by the route, refused at its first line.
        using (var r = await ChallengeTestData.UploadAsync(alice, "hostile", new byte[10 * 1024 * 1024].Select(_ => (byte)'a').ToArray()))
        {
            Assert.True(10 * 1024 * 1024 > ChallengeApiServer.GeneralLimit);
            var body = await r.JsonAsync(HttpStatusCode.BadRequest);
            var errors = body["errors"]!.AsArray();
            Assert.Single(errors);
            Assert.Contains("longer than", errors[0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // 40 bad lines: 20 errors listed, each with its line.
        var bad = string.Concat(Enumerable.Range(1, 40).Select(i => $"o1;nope{i};0.5;1\n"));
        using (var r = await ChallengeTestData.UploadAsync(alice, "hostile", Bytes(bad)))
        {
            var body = (await r.JsonAsync(HttpStatusCode.BadRequest)).AsObject();
            Assert.Equal(["statusCode", "error", "message", "errors"], body.Select(p => p.Key));
            var errors = body["errors"]!.AsArray();
            Assert.Equal(20, errors.Count);
            Assert.Equal(Enumerable.Range(1, 20), errors.Select(e => e!["line"]!.GetValue<int>()));
        }

        // The refusal's message in the request's language; the problems keep the scorer's words.
        alice.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("fr-FR,fr;q=0.9");
        using (var r = await ChallengeTestData.UploadAsync(alice, "hostile", Bytes("o1;c1;2;1\n")))
        {
            var body = await r.JsonAsync(HttpStatusCode.BadRequest);
            Assert.Equal("Le run contient des erreurs ; rien n'a été enregistré et il ne compte pas.", body["message"]!.GetValue<string>());
            Assert.Contains("probability 2", body["errors"]![0]!["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        using (var r = await alice.Http.GetAsync("api/challenges/no-such-challenge", Ct))
            Assert.Equal("Aucun challenge « no-such-challenge ».", await ChallengeTestData.ErrorAsync(r, HttpStatusCode.NotFound));
        alice.Http.DefaultRequestHeaders.AcceptLanguage.Clear();

        // A session without its anti-forgery token, or with it only as a form field (after the file: the body would be read first).
        using (var r = await ChallengeTestData.UploadAsync(alice, "hostile", Bytes(ChallengeTestData.PerfectRun), withToken: false))
            Assert.Contains("X-CSRF-TOKEN", await ChallengeTestData.ErrorAsync(r, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        using (var r = await ChallengeTestData.UploadAsync(alice, "hostile", Bytes(ChallengeTestData.PerfectRun), tokenInHeader: false))
            Assert.Contains("X-CSRF-TOKEN", await ChallengeTestData.ErrorAsync(r, HttpStatusCode.BadRequest), StringComparison.Ordinal);

        Assert.Equal(0, await RunRowsAsync("hostile"));
        var temp = Path.Combine(server.DataDirectory, "tmp", "runs");
        Assert.True(!Directory.Exists(temp) || Directory.GetFiles(temp).Length == 0, "temporary files left");
        var team = await alice.Http.GetJsonAsync("api/challenges/hostile");
        Assert.Equal(5, team["myTeam"]!["runsLeft"]!.GetValue<int>());
    }

    [Fact]
    public async Task AServerThatCannotWriteTheRunAnswers503WithoutItsPaths()
    {
        await ChallengeTestData.CreateAsync(server.Host, "disk");
        var alice = await server.NewUserAsync();
        await TeamAsync(alice, "disk", "Alpha");
        // A file where the temporary folder should be: writing the run fails on the server's side.
        var temp = Path.Combine(server.DataDirectory, "tmp", "runs");
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        await File.WriteAllTextAsync(temp, "in the way", Ct);
        try
        {
            using var r = await ChallengeTestData.UploadAsync(alice, "disk", Bytes(ChallengeTestData.PerfectRun));
            var message = await ChallengeTestData.ErrorAsync(r, HttpStatusCode.ServiceUnavailable);
            Assert.DoesNotContain(server.DataDirectory, message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(temp);
        }
        Assert.Equal(0, await RunRowsAsync("disk"));
        using var ok = await ChallengeTestData.UploadAsync(alice, "disk", Bytes(ChallengeTestData.PerfectRun));
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
    }

    [Fact]
    public async Task TheDailyLimitIsPerTeamAndAnswers429WithRetryAfterBeforeTheBodyIsRead()
    {
        await ChallengeTestData.CreateAsync(server.Host, "daily", dailyLimit: 2);
        var alice = await server.NewUserAsync();
        await TeamAsync(alice, "daily", "Alpha");
        for (var i = 0; i < 2; i++)
        {
            using var ok = await ChallengeTestData.UploadAsync(alice, "daily", Bytes(ChallengeTestData.PerfectRun));
            Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        }
        using var third = await ChallengeTestData.UploadAsync(alice, "daily", Bytes(ChallengeTestData.PerfectRun));
        await ChallengeTestData.ErrorAsync(third, HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(third.Header("Retry-After"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        // Refused before the body: even one over the route limit gets the 429.
        using var big = await ChallengeTestData.UploadAsync(alice, "daily", new byte[ChallengeApiServer.RouteLimit + 1024]);
        Assert.Equal(HttpStatusCode.TooManyRequests, big.StatusCode);
        Assert.Equal(0, (await alice.Http.GetJsonAsync("api/challenges/daily"))["myTeam"]!["runsLeft"]!.GetValue<int>());

        // Another team has its own runs.
        var bob = await server.NewUserAsync();
        await TeamAsync(bob, "daily", "Beta");
        using var other = await ChallengeTestData.UploadAsync(bob, "daily", Bytes(ChallengeTestData.PerfectRun));
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        Assert.Equal(3, await RunRowsAsync("daily"));
    }

    [Fact]
    public async Task NonMembersUpcomingAndAnonymousUploadsAreRefused()
    {
        await ChallengeTestData.CreateAsync(server.Host, "refusals");
        var now = server.Host.Clock.GetUtcNow().UtcDateTime;
        await ChallengeTestData.CreateAsync(server.Host, "upcoming", opensUtc: now.AddDays(1), closesUtc: now.AddDays(10));
        var alice = await server.NewUserAsync();
        using (var r = await ChallengeTestData.UploadAsync(alice, "refusals", Bytes(ChallengeTestData.PerfectRun)))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.Forbidden);
        using (var r = await alice.Http.GetAsync("api/challenges/refusals/runs", Ct))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.Forbidden);
        await TeamAsync(alice, "upcoming", "Early");
        using (var r = await ChallengeTestData.UploadAsync(alice, "upcoming", Bytes(ChallengeTestData.PerfectRun)))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.Conflict);
        using (var r = await ChallengeTestData.UploadAsync(server.Anonymous(), "refusals", Bytes(ChallengeTestData.PerfectRun), withToken: false))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.Unauthorized);
        using (var r = await ChallengeTestData.UploadAsync(alice, "no-such", Bytes(ChallengeTestData.PerfectRun)))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.NotFound);
        Assert.Equal(0, await RunRowsAsync("refusals") + await RunRowsAsync("upcoming"));
    }

    [Fact]
    public async Task AnApiKeyOfTheAccountUploadsAndListsWithoutCookieOrToken()
    {
        await ChallengeTestData.CreateAsync(server.Host, "by-key");
        var alice = await server.NewUserAsync();
        await TeamAsync(alice, "by-key", "Alpha");
        var secret = await server.WithDbAsync(async db => (await ApiKeyStore.CreateAsync(db, "runs", 100, server.Host.Clock, alice.UserId, Ct)).Secret);
        var script = server.Anonymous();
        var query = "?api-key=" + Uri.EscapeDataString(secret);
        using var upload = await ChallengeTestData.UploadAsync(script, "by-key", ChallengeTestData.Gzip(Bytes(ChallengeTestData.PerfectRun)), "run.gz", withToken: false, query: query);
        var run = await upload.JsonAsync(HttpStatusCode.Accepted);
        Assert.StartsWith("player", run["submittedBy"]!.GetValue<string>(), StringComparison.Ordinal);
        var listed = (await script.Http.GetJsonAsync("api/challenges/by-key/runs" + query)).AsArray();
        Assert.Equal(run["id"]!.GetValue<long>(), listed.Single()!["id"]!.GetValue<long>());

        var ownerless = await server.Host.CreateKeyAsync();
        using var refused = await ChallengeTestData.UploadAsync(script, "by-key", Bytes(ChallengeTestData.PerfectRun), withToken: false,
            query: "?api-key=" + Uri.EscapeDataString(ownerless.Secret));
        await ChallengeTestData.ErrorAsync(refused, HttpStatusCode.Forbidden);
        using var unknown = await ChallengeTestData.UploadAsync(script, "by-key", Bytes(ChallengeTestData.PerfectRun), withToken: false, query: "?api-key=nope");
        await ChallengeTestData.ErrorAsync(unknown, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ATeamSeesOnlyItsOwnRuns()
    {
        await ChallengeTestData.CreateAsync(server.Host, "own-runs");
        var alice = await server.NewUserAsync();
        var bob = await server.NewUserAsync();
        await TeamAsync(alice, "own-runs", "Alpha");
        await TeamAsync(bob, "own-runs", "Beta");
        using var a = await ChallengeTestData.UploadAsync(alice, "own-runs", Bytes(ChallengeTestData.PerfectRun), method: "alpha's");
        var aliceRun = (await a.JsonAsync(HttpStatusCode.Accepted))["id"]!.GetValue<long>();
        using var b = await ChallengeTestData.UploadAsync(bob, "own-runs", Bytes(ChallengeTestData.GoodRun), method: "beta's");
        var bobRun = (await b.JsonAsync(HttpStatusCode.Accepted))["id"]!.GetValue<long>();
        Assert.Equal([aliceRun], (await alice.Http.GetJsonAsync("api/challenges/own-runs/runs")).AsArray().Select(r => r!["id"]!.GetValue<long>()));
        Assert.Equal([bobRun], (await bob.Http.GetJsonAsync("api/challenges/own-runs/runs")).AsArray().Select(r => r!["id"]!.GetValue<long>()));
    }

    [Fact]
    public async Task InvitationsFollowTheTeamRules()
    {
        await ChallengeTestData.CreateAsync(server.Host, "invites", maxTeamSize: 2);
        var alice = await server.NewUserAsync();
        var bob = await server.NewUserAsync();
        var carol = await server.NewUserAsync();
        var bobName = (await bob.Http.GetJsonAsync("api/account/me"))["userName"]!.GetValue<string>();
        var carolName = (await carol.Http.GetJsonAsync("api/account/me"))["userName"]!.GetValue<string>();
        await TeamAsync(alice, "invites", "Alpha");

        using (var r = await alice.PostFormAsync("api/challenges/invites/team/invitations", [new("userName", "nobody-here")]))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.NotFound);
        using (var r = await carol.PostFormAsync("api/challenges/invites/team/invitations", [new("userName", bobName)]))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.Forbidden);
        using (var r = await alice.PostFormAsync("api/challenges/invites/team/invitations", [new("userName", bobName)]))
            Assert.Equal(bobName, (await r.JsonAsync(HttpStatusCode.Created))["userName"]!.GetValue<string>());
        // One member and one pending invitation fill a team of two.
        using (var r = await alice.PostFormAsync("api/challenges/invites/team/invitations", [new("userName", carolName)]))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.Conflict);
        using (var r = await alice.PostFormAsync("api/challenges/invites/team/invitations", [new("userName", bobName)]))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.Conflict);

        var invitation = (await bob.Http.GetJsonAsync("api/challenges/invites"))["myInvitations"]!.AsArray().Single()!;
        Assert.Equal("Alpha", invitation["team"]!.GetValue<string>());
        var id = invitation["id"]!.GetValue<int>();
        // Someone else's invitation is not found; so is one of another challenge.
        using (var r = await carol.PostFormAsync($"api/challenges/invites/invitations/{id}/accept", []))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.NotFound);
        using (var r = await carol.PostFormAsync($"api/challenges/invites/invitations/{id}/decline", []))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.NotFound);
        using (var r = await bob.PostFormAsync($"api/challenges/invites/invitations/{id}/accept", [], withToken: false))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.BadRequest);
        using (var r = await bob.PostFormAsync($"api/challenges/invites/invitations/{id}/accept", []))
        {
            var team = await r.JsonAsync();
            Assert.Equal(2, team["members"]!.AsArray().Count);
            Assert.Empty(team["invitations"]!.AsArray());
        }
        using (var r = await bob.PostFormAsync("api/challenges/invites/teams", [new("name", "Bob's own")]))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.Conflict);

        // Bob leaves; Alice invites Carol, who declines.
        using (var r = await bob.PostFormAsync("api/challenges/invites/team/leave", []))
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        using (var r = await alice.PostFormAsync("api/challenges/invites/team/invitations", [new("userName", carolName)]))
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var carolInvitation = (await carol.Http.GetJsonAsync("api/challenges/invites"))["myInvitations"]![0]!["id"]!.GetValue<int>();
        using (var r = await carol.PostFormAsync($"api/challenges/invites/invitations/{carolInvitation}/decline", []))
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        Assert.Empty((await carol.Http.GetJsonAsync("api/challenges/invites"))["myInvitations"]!.AsArray());
        Assert.Single((await alice.Http.GetJsonAsync("api/challenges/invites"))["myTeam"]!["members"]!.AsArray());

        // Alice leaves an empty team without runs: it is gone, its name free again.
        using (var r = await alice.PostFormAsync("api/challenges/invites/team/leave", []))
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        await TeamAsync(carol, "invites", "Alpha");
    }

    [Fact]
    public async Task DownloadsArePublishedFilesOnlyForSignedInAccounts()
    {
        await ChallengeTestData.CreateAsync(server.Host, "files");
        var alice = await server.NewUserAsync();
        using var train = await alice.Http.GetAsync("api/challenges/files/files/train.zip", Ct);
        Assert.Equal(HttpStatusCode.OK, train.StatusCode);
        Assert.Equal("application/zip", train.Content.Headers.ContentType?.MediaType);
        Assert.Equal("files-train.zip", train.Content.Headers.ContentDisposition?.FileNameStar ?? train.Content.Headers.ContentDisposition?.FileName);
        using var classes = await alice.Http.GetAsync("api/challenges/files/files/classes.csv", Ct);
        Assert.StartsWith("c1;", await classes.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        foreach (var hidden in new[] { "truth.csv", "test-sources.sha256", "..%2Ftruth.csv", "runs" })
        {
            using var r = await alice.Http.GetAsync($"api/challenges/files/files/{hidden}", Ct);
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
        using var anonymous = await server.Anonymous().Http.GetAsync("api/challenges/files/files/test.zip", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task AdministratorsListEditAndCloseOthersMayNot()
    {
        await ChallengeTestData.CreateAsync(server.Host, "admin-edit");
        var listed = (await server.Admin.Http.GetJsonAsync("api/admin/challenges")).AsArray().Single(c => c!["slug"]!.GetValue<string>() == "admin-edit")!;
        Assert.Equal("open", listed["phase"]!.GetValue<string>());
        Assert.Equal(0, listed["runs"]!.GetValue<int>());

        using (var r = await server.Admin.PostFormAsync("api/admin/challenges/admin-edit", [new("name", "Renamed"), new("dailySubmissionLimit", "3"), new("maxTeamSize", "4")]))
            Assert.Equal("Renamed", (await r.JsonAsync())["name"]!.GetValue<string>());
        var detail = await server.Anonymous().Http.GetJsonAsync("api/challenges/admin-edit");
        Assert.Equal(3, detail["dailySubmissionLimit"]!.GetValue<int>());
        Assert.Equal(4, detail["maxTeamSize"]!.GetValue<int>());
        using (var r = await server.Admin.PostFormAsync("api/admin/challenges/admin-edit", [new("closesUtc", "2000-01-01T00:00:00Z")]))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.BadRequest);
        using (var r = await server.Admin.PostFormAsync("api/admin/challenges/admin-edit", [new("dailySubmissionLimit", "many")]))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.BadRequest);
        using (var r = await server.Admin.PostFormAsync("api/admin/challenges/admin-edit", [new("dailySubmissionLimit", "0")]))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.BadRequest);
        using (var r = await server.Admin.PostFormAsync("api/admin/challenges/no-such", [new("name", "x")]))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.NotFound);
        Assert.Equal("Renamed", (await server.Anonymous().Http.GetJsonAsync("api/challenges/admin-edit"))["name"]!.GetValue<string>());

        var alice = await server.NewUserAsync();
        using (var r = await alice.PostFormAsync("api/admin/challenges/admin-edit/close", []))
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using (var r = await alice.Http.GetAsync("api/admin/challenges", Ct))
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using (var r = await server.Admin.PostFormAsync("api/admin/challenges/admin-edit/close", [], withToken: false))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.BadRequest);
        using (var r = await server.Admin.PostFormAsync("api/admin/challenges/admin-edit/close", []))
        {
            var closed = await r.JsonAsync();
            Assert.Equal("closed", closed["phase"]!.GetValue<string>());
            Assert.NotNull(closed["closedUtc"]);
        }
        Assert.Equal("closed", (await server.Anonymous().Http.GetJsonAsync("api/challenges/admin-edit"))["phase"]!.GetValue<string>());

        // Creating from folders needs a source root (this server has none): 400, nothing made.
        using (var r = await server.Admin.PostFormAsync("api/admin/challenges", [new("name", "From folders"), new("opensUtc", "2026-05-01T00:00:00Z"),
            new("closesUtc", "2026-07-01T00:00:00Z"), new("trainDir", "train"), new("testDir", "val")]))
            await ChallengeTestData.ErrorAsync(r, HttpStatusCode.BadRequest);
        Assert.False(await server.WithDbAsync(db => db.Challenges.AnyAsync(c => c.Name == "From folders", Ct)));
    }

    /// <summary>
    /// A run body sent in pieces: its lines, then blank lines (which the checker skips) every 100 ms, so the body keeps
    /// flowing (above the server's minimum data rate), and its end only once the test lets it go.
    /// </summary>
    private sealed class HeldStream(byte[] bytes, Task release) : Stream
    {
        private int _sent;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent == bytes.Length)
            {
                if (release.IsCompleted) return 0;
                await Task.WhenAny(release, Task.Delay(100, cancellationToken));
                if (release.IsCompleted) return 0;
                var blank = Math.Min(buffer.Length, 1024);
                buffer.Span[..blank].Fill((byte)'\n');
                return blank;
            }
            var n = Math.Min(buffer.Length, bytes.Length - _sent);
            bytes.AsMemory(_sent, n).CopyTo(buffer);
            _sent += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    [Fact]
    public async Task AThirdUploadOfATeamWhileTwoAreReceivedIsRefused429()
    {
        await ChallengeTestData.CreateAsync(server.Host, "in-flight");
        var alice = await server.NewUserAsync();
        var teamId = (await TeamAsync(alice, "in-flight", "Alpha"))["id"]!.GetValue<int>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<HttpResponseMessage> SlowAsync()
        {
            using var form = new MultipartFormDataContent();
            form.Add(new StringContent("slow"), "method");
            // Not seekable: sent chunked, the end of the body held back until released.
            form.Add(new StreamContent(new HeldStream(Bytes(ChallengeTestData.PerfectRun), release.Task)), "run", "run.txt");
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/challenges/in-flight/runs") { Content = form };
            var (_, header, token) = await alice.AntiforgeryAsync();
            request.Headers.Add(header, token);
            // The headers go at once (the client waits for 100-continue), not kept in its buffer with the first piece.
            request.Headers.ExpectContinue = true;
            return await alice.Http.SendAsync(request, Ct);
        }
        var slots = server.Host.App.Services.GetRequiredService<Florascope.Web.Challenges.RunUploadSlots>();
        var slow = new[] { Task.Run(SlowAsync, Ct), Task.Run(SlowAsync, Ct) };
        try
        {
            // Both are being received (their slots taken before the body is read); a wait, not a time asserted.
            while (slots.Held(teamId) < 2)
            {
                Assert.DoesNotContain(slow, t => t.IsCompleted);
                await Task.Delay(20, Ct);
            }
            using var third = await ChallengeTestData.UploadAsync(alice, "in-flight", Bytes(ChallengeTestData.PerfectRun));
            await ChallengeTestData.ErrorAsync(third, HttpStatusCode.TooManyRequests);
            Assert.True(int.Parse(third.Header("Retry-After"), System.Globalization.CultureInfo.InvariantCulture) > 0);
        }
        finally
        {
            release.SetResult();
        }
        foreach (var response in await Task.WhenAll(slow))
            using (response)
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(0, slots.Held(teamId));
        Assert.Equal(2, await RunRowsAsync("in-flight"));
        // Released: the team uploads again.
        using var again = await ChallengeTestData.UploadAsync(alice, "in-flight", Bytes(ChallengeTestData.PerfectRun));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }
}
