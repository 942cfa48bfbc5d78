using Florascope.Data;
using Florascope.Data.Jobs;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Jobs;

/// <summary>The record the nodes read (SQLite here; the two-node tests read it on PostgreSQL): state from the runs, and the purge.</summary>
public sealed class JobRunStoreTests
{
    private static readonly DateTime T = new(2026, 7, 1, 6, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FlorascopeDb Open(TempDirectory dir)
    {
        var settings = new DatabaseSettings { DataDirectory = dir.Path };
        settings.Migrate();
        return settings.CreateContext();
    }

    private static Task<JobRun> Record(FlorascopeDb db, JobName job, DateTime started, JobOutcome outcome, int attempt = 1) =>
        JobRunStore.RecordAsync(db, job, "node-a", started, started.AddSeconds(2), outcome, outcome == JobOutcome.Failed ? "IOException: no" : null, attempt, Ct);

    [Fact]
    public async Task TheStateFollowsTheLatestRunThatDidSomething()
    {
        using var dir = new TempDirectory();
        await using var db = Open(dir);
        Assert.Equal(JobState.Never, await JobRunStore.StateAsync(db, JobName.Housekeeping, Ct));

        await Record(db, JobName.Housekeeping, T, JobOutcome.Succeeded);
        Assert.Equal(new JobState(T, null, 0), await JobRunStore.StateAsync(db, JobName.Housekeeping, Ct));

        // A skip changes nothing; failures count up from the last success.
        await Record(db, JobName.Housekeeping, T.AddMinutes(1), JobOutcome.SkippedNotDue);
        await Record(db, JobName.Housekeeping, T.AddHours(1), JobOutcome.Failed, attempt: 1);
        await Record(db, JobName.Housekeeping, T.AddHours(1).AddMinutes(1), JobOutcome.Failed, attempt: 2);
        var failing = await JobRunStore.StateAsync(db, JobName.Housekeeping, Ct);
        Assert.Equal(new JobState(T, T.AddHours(1).AddMinutes(1).AddSeconds(2), 2), failing);
        Assert.Equal(3, failing.NextAttempt);
        // Other jobs are apart.
        Assert.Equal(JobState.Never, await JobRunStore.StateAsync(db, JobName.RevisionBatch, Ct));

        await Record(db, JobName.Housekeeping, T.AddHours(1).AddMinutes(10), JobOutcome.Succeeded, attempt: 3);
        Assert.Equal(new JobState(T.AddHours(1).AddMinutes(10), null, 0), await JobRunStore.StateAsync(db, JobName.Housekeeping, Ct));
        Assert.Equal(5, (await JobRunStore.RecentAsync(db, JobName.Housekeeping, 20, Ct)).Count);
        Assert.Equal(2, (await JobRunStore.RecentAsync(db, JobName.Housekeeping, 2, Ct)).Count);
    }

    [Fact]
    public async Task ThePurgeKeepsTheRunsThatDecideWhenAJobIsDue()
    {
        using var dir = new TempDirectory();
        await using var db = Open(dir);
        // Open-data: old successes, the latest of which decides; revision: an old failure and nothing since.
        await Record(db, JobName.OpenDataExport, T.AddDays(-40), JobOutcome.Succeeded);
        await Record(db, JobName.OpenDataExport, T.AddDays(-39), JobOutcome.Failed);
        await Record(db, JobName.OpenDataExport, T.AddDays(-35), JobOutcome.Succeeded);
        await Record(db, JobName.RevisionBatch, T.AddDays(-50), JobOutcome.Failed);

        Assert.Equal(2, await JobRunStore.PurgeAsync(db, T.AddDays(-30), Ct));
        var kept = (await JobRunStore.RecentAsync(db, JobName.OpenDataExport, 20, Ct)).Select(r => r.StartedUtc);
        Assert.Equal([T.AddDays(-35)], kept);
        Assert.Single(await JobRunStore.RecentAsync(db, JobName.RevisionBatch, 20, Ct));
    }

    [Fact]
    public async Task LongErrorsAndNodeNamesAreCut()
    {
        using var dir = new TempDirectory();
        await using var db = Open(dir);
        var run = await JobRunStore.RecordAsync(db, JobName.PhotoCollection, new string('n', 500), T, T, JobOutcome.Failed, new string('e', 5000), 1, Ct);
        Assert.Equal(JobRunStore.MaxNodeLength, run.Node.Length);
        Assert.Equal(JobRunStore.MaxErrorLength, run.Error!.Length);
    }
}
