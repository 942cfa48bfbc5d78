using Florascope.Data;
using Florascope.Data.Accounts;
using Florascope.Data.Challenges;
using Florascope.Data.Storage;
using Florascope.Tests.TestSupport;
using Florascope.Web.Challenges;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Challenges;

/// <summary>Two servers on one PostgreSQL database: a queued run is scored by one of them, once; a run that fails unexpectedly blocks no other.</summary>
[Trait("Category", "Slow")]
public sealed class RunScorerAcrossNodesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoNodesScoreAQueuedRunOnce()
    {
        await using var database = await PostgresDatabase.CreateAsync(Postgres.Require(), Ct);
        var clock = new FakeClock(new DateTimeOffset(2026, 5, 20, 10, 0, 0, TimeSpan.Zero));
        using var dirA = new TempDirectory();
        using var dirB = new TempDirectory();
        var settings = new Dictionary<string, string?>
        {
            ["Florascope:Database"] = "postgres",
            ["ConnectionStrings:Florascope"] = database.ConnectionString,
            // The background loops look once at start, then only when woken: the test calls the scorers itself.
            ["Florascope:Challenges:ScoringPollSeconds"] = "3600",
            ["Florascope:Challenges:Baseline"] = "false",
        };
        await using var a = await FlorascopeHost.StartAsync(dirA.Path, clock, settings);
        await using var b = await FlorascopeHost.StartAsync(dirB.Path, clock, settings);

        long runId;
        var now = clock.GetUtcNow().UtcDateTime;
        await using (var scope = a.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
            var files = scope.ServiceProvider.GetRequiredService<ChallengeFileStore>();
            var challenge = await ChallengeTestData.CreateAsync(db, files, now, "nodes");
            var user = new User { UserName = "ann", Email = "ann@example.org", PasswordHash = "x", CreatedUtc = now };
            db.Users.Add(user);
            await db.SaveChangesAsync(Ct);
            var team = await ChallengeTeams.CreateAsync(db, challenge, user.Id, "Alpha", now, Ct);
            var gzip = ChallengeTestData.Gzip(System.Text.Encoding.UTF8.GetBytes(ChallengeTestData.GoodRun));
            runId = (await ChallengeRunStore.AddAsync(db, files, challenge, new NewRun(team.Id, user.Id, "m", "run.txt", 100, 9), new MemoryStream(gzip), now, Ct)).Id;
            // Each node has its own folder store here (a deployment shares one bucket): B gets the same files.
            var storeB = b.App.Services.GetRequiredService<ChallengeFileStore>().Store;
            await foreach (var o in files.Store.ListAsync($"{challenge.Id}/", Ct))
            {
                var content = (await files.Store.OpenReadAsync(o.Key, Ct))!;
                await using (content.Content) await storeB.PutAsync(o.Key, content.Content, ct: Ct);
            }
        }

        var scorers = new[] { a, b, a, b }.Select(h => h.App.Services.GetRequiredService<RunScorer>()).ToArray();
        var scored = await Task.WhenAll(scorers.Select(s => Task.Run(() => s.ScoreQueuedAsync(Ct), Ct)));
        // At most one claim succeeded (a background look at start may have been the one).
        Assert.True(scored.Sum() <= 1, $"scored {scored.Sum()} times");
        await using var check = a.App.Services.CreateAsyncScope();
        var run = await check.ServiceProvider.GetRequiredService<FlorascopeDb>().ChallengeRuns.AsNoTracking().SingleAsync(r => r.Id == runId, Ct);
        Assert.Equal(RunStatus.Scored, run.Status);
        Assert.Contains(run.ClaimedBy, scorers.Select(s => s.Node));
        Assert.Equal(0.75, run.PublicMrr!.Value, 12);
        Assert.Equal(0.125, run.PrivateMrr!.Value, 12);
    }

    [Fact]
    public async Task AnUnexpectedFailureMarksTheRunFailedAndTheNextRunIsStillScored()
    {
        var clock = new FakeClock(new DateTimeOffset(2026, 5, 20, 10, 0, 0, TimeSpan.Zero));
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, clock, new Dictionary<string, string?>
        {
            ["Florascope:Challenges:ScoringPollSeconds"] = "3600",
            ["Florascope:Challenges:Baseline"] = "false",
        });
        var now = clock.GetUtcNow().UtcDateTime;
        long broken, fine;
        await using (var scope = host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
            var files = scope.ServiceProvider.GetRequiredService<ChallengeFileStore>();
            var user = new User { UserName = "ann", Email = "ann@example.org", PasswordHash = "x", CreatedUtc = now };
            db.Users.Add(user);
            await db.SaveChangesAsync(Ct);
            var gzip = ChallengeTestData.Gzip(System.Text.Encoding.UTF8.GetBytes(ChallengeTestData.GoodRun));
            async Task<long> RunAsync(string slug, DateTime at)
            {
                var challenge = await ChallengeTestData.CreateAsync(db, files, now, slug);
                var team = await ChallengeTeams.CreateAsync(db, challenge, user.Id, "Alpha", now, Ct);
                return (await ChallengeRunStore.AddAsync(db, files, challenge, new NewRun(team.Id, user.Id, "m", "run.txt", 100, 9), new MemoryStream(gzip), at, Ct)).Id;
            }
            broken = await RunAsync("broken", now);
            fine = await RunAsync("fine", now.AddSeconds(1));
            // A stored value no rule allows (a bug's kind of fault): scoring this run throws an unexpected exception.
            await db.Challenges.Where(c => c.Slug == "broken").ExecuteUpdateAsync(u => u.SetProperty(c => c.PublicPercent, 101), Ct);
        }

        // The broken run (the older) comes first: it is marked failed with the generic message, and the pass goes on.
        // The scorer's own look at start-up may have taken one of them on a busy machine: only the outcome is asserted.
        var runs = await SettledAsync(host, r => r[broken].Status == RunStatus.Failed && r[fine].Status == RunStatus.Scored);
        Assert.Equal(RunStatus.Failed, runs[broken].Status);
        Assert.Equal(RunScorer.UnexpectedFailure, runs[broken].Error);
        Assert.Equal(RunStatus.Scored, runs[fine].Status);
    }

    [Fact]
    public async Task ARunWhoseTruthCannotBeReadIsGivenBackAndTheNextRunIsStillScored()
    {
        var clock = new FakeClock(new DateTimeOffset(2026, 5, 20, 10, 0, 0, TimeSpan.Zero));
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, clock, new Dictionary<string, string?>
        {
            ["Florascope:Challenges:ScoringPollSeconds"] = "3600",
            ["Florascope:Challenges:Baseline"] = "false",
        });
        var now = clock.GetUtcNow().UtcDateTime;
        long waiting, fine;
        await using (var scope = host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
            var files = scope.ServiceProvider.GetRequiredService<ChallengeFileStore>();
            var user = new User { UserName = "ann", Email = "ann@example.org", PasswordHash = "x", CreatedUtc = now };
            db.Users.Add(user);
            await db.SaveChangesAsync(Ct);
            var gzip = ChallengeTestData.Gzip(System.Text.Encoding.UTF8.GetBytes(ChallengeTestData.GoodRun));
            async Task<(int Challenge, long Run)> RunAsync(string slug, DateTime at)
            {
                var challenge = await ChallengeTestData.CreateAsync(db, files, now, slug);
                var team = await ChallengeTeams.CreateAsync(db, challenge, user.Id, "Alpha", now, Ct);
                return (challenge.Id, (await ChallengeRunStore.AddAsync(db, files, challenge, new NewRun(team.Id, user.Id, "m", "run.txt", 100, 9), new MemoryStream(gzip), at, Ct)).Id);
            }
            var (noTruth, first) = await RunAsync("no-truth", now);
            waiting = first;
            fine = (await RunAsync("fine", now.AddSeconds(1))).Run;
            // The server's side is missing (not the run's fault): the run must wait, not fail.
            await files.Store.DeleteAsync(ChallengeFiles.Truth(noTruth), Ct);
        }

        var runs = await SettledAsync(host, r => r[waiting].Status == RunStatus.Queued && r[fine].Status == RunStatus.Scored);
        Assert.Equal(RunStatus.Queued, runs[waiting].Status);
        Assert.Null(runs[waiting].ClaimedBy);
        Assert.Equal(RunStatus.Scored, runs[fine].Status);
    }

    /// <summary>Scores what is queued until the runs are as expected (or a bounded number of tries); returns them.</summary>
    private static async Task<Dictionary<long, ChallengeRun>> SettledAsync(FlorascopeHost host, Func<Dictionary<long, ChallengeRun>, bool> done)
    {
        var scorer = host.App.Services.GetRequiredService<RunScorer>();
        Dictionary<long, ChallengeRun> runs = [];
        for (var i = 0; i < 100; i++)
        {
            await scorer.ScoreQueuedAsync(Ct);
            await using var check = host.App.Services.CreateAsyncScope();
            runs = await check.ServiceProvider.GetRequiredService<FlorascopeDb>().ChallengeRuns.AsNoTracking().ToDictionaryAsync(r => r.Id, Ct);
            if (done(runs)) break;
            await Task.Delay(50, Ct);
        }
        return runs;
    }
}
