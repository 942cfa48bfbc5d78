using System.Net;
using Florascope.Data;
using Florascope.Data.Jobs;
using Florascope.Tests.TestSupport;
using Florascope.Web.OpenData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Jobs;

/// <summary>
/// Two nodes on one PostgreSQL database, each with its own data directory, as a deployment behind a
/// balancer runs them; one fake clock for both, which the tests move on by whole periods. The
/// open-data export writes a few bytes, and fails or waits when a test says so.
/// </summary>
public sealed class TwoNodesFixture : IAsyncLifetime
{
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    private readonly List<TempDirectory> _data = [];
    private readonly List<FlorascopeHost> _hosts = [];
    private PostgresDatabase? _database;

    public IReadOnlyList<FlorascopeHost> Hosts => _hosts;

    public FakeClock Clock { get; } = new(new DateTimeOffset(2026, 7, 1, 6, 0, 0, TimeSpan.Zero));

    /// <summary>The first account of the database: the founder, an administrator.</summary>
    public ObservatoryClient Admin { get; private set; } = null!;

    /// <summary>While set, the open-data export throws.</summary>
    public volatile bool FailExports;

    /// <summary>While set, the open-data export signals <see cref="ExportEntered"/> and waits for it.</summary>
    public volatile TaskCompletionSource? ExportGate;

    public readonly TaskCompletionSource ExportEntered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask InitializeAsync()
    {
        if (Postgres.ConnectionString is not { } admin) return;
        _database = await PostgresDatabase.CreateAsync(admin, TestContext.Current.CancellationToken);
        foreach (var node in new[] { "node-a", "node-b" })
        {
            var dir = new TempDirectory();
            _data.Add(dir);
            _hosts.Add(await FlorascopeHost.StartAsync(dir.Path, Clock, new Dictionary<string, string?>
            {
                ["Florascope:Database"] = "postgres",
                ["ConnectionStrings:Florascope"] = _database.ConnectionString,
                ["Florascope:NodeName"] = node,
                ["Florascope:Revision:BatchIntervalMinutes"] = "60",
                ["Florascope:OpenData:RebuildMinutes"] = "60",
                ["Florascope:Challenges:BaselineMinutes"] = "60",
                ["Florascope:Jobs:PollSeconds"] = "0.2",
                ["Florascope:SignIn:FailuresPerAccount"] = "3",
                ["Florascope:AnonymousDailyIdentifications"] = "2",
            }, services => services.AddSingleton(new OpenDataArchive(ExportAsync))));
        }
        Admin = new ObservatoryClient(_hosts[0].BaseAddress);
        await Admin.SignedUpAsync("admin");
    }

    private async Task ExportAsync(IServiceProvider services, Stream output, CancellationToken ct)
    {
        if (ExportGate is { } gate)
        {
            ExportEntered.TrySetResult();
            await gate.Task.WaitAsync(ct);
        }
        if (FailExports) throw new IOException("the export failed on purpose");
        await output.WriteAsync("PK-test"u8.ToArray(), ct);
    }

    public void Advance(TimeSpan by) => Clock.Set(Clock.GetUtcNow() + by);

    public async Task<List<JobRun>> RunsAsync()
    {
        await using var scope = _hosts[0].App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        return await db.JobRuns.AsNoTracking().OrderBy(r => r.StartedUtc).ThenBy(r => r.Id).ToListAsync(TestContext.Current.CancellationToken);
    }

    public async Task<int> SucceededAsync(JobName job) => (await RunsAsync()).Count(r => r.Job == job && r.Outcome == JobOutcome.Succeeded);

    /// <summary>Waits (bounded) until the condition holds on the recorded runs.</summary>
    public async Task UntilAsync(Func<List<JobRun>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!condition(await RunsAsync()))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for: {what}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits until every job has succeeded and none is due at the clock's time (what a test starts from).</summary>
    public Task QuietAsync() => UntilAsync(runs => JobText.All.All(job =>
    {
        var done = runs.Where(r => r.Job == job && r.Outcome != JobOutcome.SkippedNotDue).ToList();
        return done.Count > 0 && done[^1].Outcome == JobOutcome.Succeeded
            && !JobSchedule.IsDue(new JobState(done[^1].StartedUtc, null, 0), Period, Clock.GetUtcNow().UtcDateTime);
    }), "every job succeeded and none due");

    public async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        foreach (var host in _hosts) await host.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        foreach (var dir in _data) dir.Dispose();
    }
}

[Trait("Category", "Slow")]
public sealed class JobsAcrossNodesTests(TwoNodesFixture fixture) : IClassFixture<TwoNodesFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IReadOnlyList<FlorascopeHost> Hosts
    {
        get
        {
            Postgres.Require();
            return fixture.Hosts;
        }
    }

    [Fact]
    public async Task EachJobRunsOncePerPeriodAcrossTwoNodes()
    {
        _ = Hosts;
        await fixture.QuietAsync();
        var before = new Dictionary<JobName, int>();
        foreach (var job in JobText.All) before[job] = await fixture.SucceededAsync(job);

        const int periods = 3;
        for (var i = 1; i <= periods; i++)
        {
            fixture.Advance(TwoNodesFixture.Period + TimeSpan.FromMinutes(1));
            await fixture.UntilAsync(runs => JobText.All.All(job => runs.Count(r => r.Job == job && r.Outcome == JobOutcome.Succeeded) >= before[job] + i),
                $"every job's run of period {i}");
        }
        // Both nodes keep looking every 0.2 s: give them many more looks, then count again.
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        var all = await fixture.RunsAsync();
        foreach (var job in JobText.All)
        {
            var succeeded = all.Where(r => r.Job == job && r.Outcome == JobOutcome.Succeeded).ToList();
            Assert.Equal(before[job] + periods, succeeded.Count);
            // Never twice in a period: successive runs start at least a period apart, whichever node ran them
            // (from the last run before this test: another test may have asked for runs out of period).
            for (var k = before[job]; k < succeeded.Count; k++) Assert.True(succeeded[k].StartedUtc - succeeded[k - 1].StartedUtc >= TwoNodesFixture.Period);
        }
        var nodes = all.Select(r => r.Node).Distinct().Order().ToList();
        Assert.All(nodes, n => Assert.Contains(n, new[] { "node-a", "node-b" }));
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", all.GroupBy(r => (r.Node, r.Outcome)).Select(g => $"{g.Key.Node} {JobText.Of(g.Key.Outcome)}: {g.Count()}")));
    }

    [Fact]
    public async Task AFailingJobIsRetriedAndRecordedAsFailedThenSucceeded()
    {
        _ = Hosts;
        await fixture.QuietAsync();
        var since = fixture.Clock.GetUtcNow().UtcDateTime;
        fixture.FailExports = true;
        try
        {
            fixture.Advance(TwoNodesFixture.Period + TimeSpan.FromMinutes(1));
            await fixture.UntilAsync(runs => runs.Any(r => r.Job == JobName.OpenDataExport && r.StartedUtc > since && r.Outcome == JobOutcome.Failed),
                "a failed export");
        }
        finally
        {
            fixture.FailExports = false;
        }
        // The retry waits for its backoff (a minute after one failure) on the clock both nodes read.
        fixture.Advance(TimeSpan.FromMinutes(2));
        await fixture.UntilAsync(runs => runs.Any(r => r.Job == JobName.OpenDataExport && r.StartedUtc > since && r.Outcome == JobOutcome.Succeeded),
            "the export's retry");

        var runs = (await fixture.RunsAsync()).Where(r => r.Job == JobName.OpenDataExport && r.StartedUtc > since && r.Outcome != JobOutcome.SkippedNotDue).ToList();
        Assert.Equal([JobOutcome.Failed, JobOutcome.Succeeded], runs.Select(r => r.Outcome));
        Assert.Equal([1, 2], runs.Select(r => r.Attempt));
        Assert.Contains("the export failed on purpose", runs[0].Error, StringComparison.Ordinal);
        Assert.Null(runs[1].Error);
    }

    [Fact]
    public async Task TheDashboardIsForAdministratorsOnNeitherNodeInParticular()
    {
        var (a, b) = (Hosts[0], Hosts[1]);
        await fixture.QuietAsync();
        foreach (var host in new[] { a, b })
        {
            var body = await fixture.Admin.Http.GetJsonAsync(new Uri(host.BaseAddress, "/api/admin/jobs").ToString());
            var jobs = body["jobs"]!.AsArray();
            Assert.Equal(["revision-batch", "photo-collection", "open-data-export", "housekeeping", "challenge-baselines"], jobs.Select(j => j!["name"]!.GetValue<string>()));
            foreach (var job in jobs)
            {
                Assert.Equal(3600, job!["periodSeconds"]!.GetValue<double>());
                Assert.Equal("succeeded", job["lastRun"]!["outcome"]!.GetValue<string>());
                Assert.Contains(job["lastRun"]!["node"]!.GetValue<string>(), new[] { "node-a", "node-b" });
                Assert.NotNull(job["nextDueUtc"]);
                Assert.InRange(job["runs"]!.AsArray().Count, 1, 20);
            }
            Assert.Equal(host == a ? "node-a" : "node-b", body["node"]!.GetValue<string>());
        }

        // Each node's Prometheus metrics count its own runs (a scraper adds the nodes up).
        var metrics = await a.Client.GetStringAsync("metrics", Ct);
        Assert.Contains("florascope_job_runs_total{job=\"housekeeping\",outcome=\"succeeded\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("florascope_job_duration_seconds_count{job=\"housekeeping\"}", metrics, StringComparison.Ordinal);

        using var person = new ObservatoryClient(b.BaseAddress);
        await person.SignedUpAsync("notadmin");
        using (var r = await person.Http.GetAsync("api/admin/jobs", Ct)) await r.ErrorAsync(403, "Forbidden");
        using var anonymous = new HttpClient { BaseAddress = a.BaseAddress };
        using (var r = await anonymous.GetAsync("api/admin/jobs", Ct)) await r.ErrorAsync(401);
    }

    [Fact]
    public async Task AnAdministratorRunsAJobNowOnceAcrossNodes()
    {
        var (a, b) = (Hosts[0], Hosts[1]);
        await fixture.QuietAsync();
        var housekeeping = await fixture.SucceededAsync(JobName.Housekeeping);
        using (var r = await PostRunAsync(fixture.Admin, b, "housekeeping"))
        {
            var body = await r.JsonAsync(HttpStatusCode.Accepted);
            Assert.Equal("housekeeping", body["job"]!.GetValue<string>());
            Assert.Equal("node-b", body["node"]!.GetValue<string>());
        }
        await fixture.UntilAsync(runs => runs.Count(r => r.Job == JobName.Housekeeping && r.Outcome == JobOutcome.Succeeded) == housekeeping + 1, "the run asked for");

        // While node A runs the export, node B refuses to start it too.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.ExportGate = gate;
        var exports = await fixture.SucceededAsync(JobName.OpenDataExport);
        try
        {
            using (var r = await PostRunAsync(fixture.Admin, a, "open-data-export")) await r.JsonAsync(HttpStatusCode.Accepted);
            await fixture.ExportEntered.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
            using (var r = await PostRunAsync(fixture.Admin, b, "open-data-export")) await r.ErrorAsync(409, "Conflict");
        }
        finally
        {
            fixture.ExportGate = null;
            gate.SetResult();
        }
        await fixture.UntilAsync(runs => runs.Count(r => r.Job == JobName.OpenDataExport && r.Outcome == JobOutcome.Succeeded) == exports + 1, "the export asked for");

        using (var r = await PostRunAsync(fixture.Admin, a, "no-such-job")) Assert.Contains("housekeeping", await r.ErrorAsync(404), StringComparison.Ordinal);
        using (var r = await PostRunAsync(fixture.Admin, a, "Housekeeping")) await r.ErrorAsync(404);
        using (var r = await PostRunAsync(fixture.Admin, a, "housekeeping", withToken: false)) await r.ErrorAsync(400);
        using var person = new ObservatoryClient(a.BaseAddress);
        await person.SignedUpAsync("notadmin2");
        using (var r = await PostRunAsync(person, a, "housekeeping")) await r.ErrorAsync(403, "Forbidden");
        using var anonymous = new ObservatoryClient(a.BaseAddress);
        using (var r = await PostRunAsync(anonymous, a, "housekeeping")) await r.ErrorAsync(401);
        await fixture.QuietAsync();
    }

    [Fact]
    public async Task SignInThrottlingHoldsAcrossNodes()
    {
        var (a, b) = (Hosts[0], Hosts[1]);
        using (var victim = new ObservatoryClient(a.BaseAddress)) await victim.SignedUpAsync("victim");
        using var onA = new ObservatoryClient(a.BaseAddress);
        using var onB = new ObservatoryClient(b.BaseAddress);
        // Three failures allowed per account (and per unknown login), spread over both nodes.
        foreach (var login in new[] { "victim", "nobody-here" })
        {
            using (var r = await onA.SignInAsync(login, "guess 1")) await r.ErrorAsync(401);
            using (var r = await onB.SignInAsync(login, "guess 2")) await r.ErrorAsync(401);
            using (var r = await onA.SignInAsync(login, "guess 3")) await r.ErrorAsync(401);
            using (var r = await onB.SignInAsync(login)) await r.ErrorAsync(429);
            using (var r = await onA.SignInAsync(login)) await r.ErrorAsync(429);
        }
    }

    [Fact]
    public async Task TheAnonymousDailyLimitHoldsAcrossNodesWithTheirOwnDataDirectories()
    {
        var (a, b) = (Hosts[0], Hosts[1]);
        using var onA = new HttpClient { BaseAddress = a.BaseAddress };
        using var onB = new HttpClient { BaseAddress = b.BaseAddress };
        var photo = Photos.Plant("Taraxacum_officinale");
        using (var r = await onA.PostAsync("api/identify/all?nb-results=1", Photos.Form(photo), Ct)) await r.JsonAsync();
        using (var r = await onB.PostAsync("api/identify/all?nb-results=1", Photos.Form(photo), Ct)) await r.JsonAsync();
        // Two a day from this address: used up on both nodes, whichever counted them.
        using (var r = await onA.PostAsync("api/identify/all?nb-results=1", Photos.Form(photo), Ct)) await r.ErrorAsync(429);
        using (var r = await onB.PostAsync("api/identify/all?nb-results=1", Photos.Form(photo), Ct)) await r.ErrorAsync(429);
    }

    private static async Task<HttpResponseMessage> PostRunAsync(ObservatoryClient client, FlorascopeHost host, string job, bool withToken = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host.BaseAddress, $"/api/admin/jobs/{job}/run"));
        if (withToken)
        {
            var (_, header, token) = await client.AntiforgeryAsync();
            request.Headers.Add(header, token);
        }
        return await client.Http.SendAsync(request, Ct);
    }
}
