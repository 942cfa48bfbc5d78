using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Jobs;

/// <summary>Reads and writes <c>job_runs</c>: the record every node reads to decide whether a job is due.</summary>
public static class JobRunStore
{
    /// <summary>The longest error text kept.</summary>
    public const int MaxErrorLength = 2000;

    public const int MaxNodeLength = 200;

    /// <summary>The job's state from its latest runs (skips do not count: they did nothing).</summary>
    public static async Task<JobState> StateAsync(FlorascopeDb db, JobName job, CancellationToken ct = default)
    {
        var last = await db.JobRuns.AsNoTracking().Where(r => r.Job == job && r.Outcome != JobOutcome.SkippedNotDue)
            .OrderByDescending(r => r.StartedUtc).ThenByDescending(r => r.Id).FirstOrDefaultAsync(ct);
        if (last is null) return JobState.Never;
        if (last.Outcome == JobOutcome.Succeeded) return new JobState(last.StartedUtc, null, 0);
        var success = await db.JobRuns.AsNoTracking().Where(r => r.Job == job && r.Outcome == JobOutcome.Succeeded)
            .OrderByDescending(r => r.StartedUtc).Select(r => (DateTime?)r.StartedUtc).FirstOrDefaultAsync(ct);
        return new JobState(success, last.FinishedUtc, last.Attempt);
    }

    public static async Task<JobRun> RecordAsync(FlorascopeDb db, JobName job, string node, DateTime startedUtc, DateTime finishedUtc, JobOutcome outcome,
        string? error, int attempt, CancellationToken ct = default)
    {
        var run = new JobRun
        {
            Job = job, Node = node.Length > MaxNodeLength ? node[..MaxNodeLength] : node, StartedUtc = startedUtc, FinishedUtc = finishedUtc,
            Outcome = outcome, Error = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error, Attempt = attempt,
        };
        db.JobRuns.Add(run);
        await db.SaveChangesAsync(ct);
        return run;
    }

    /// <summary>The job's latest runs, newest first.</summary>
    public static Task<List<JobRun>> RecentAsync(FlorascopeDb db, JobName job, int count, CancellationToken ct = default) =>
        db.JobRuns.AsNoTracking().Where(r => r.Job == job).OrderByDescending(r => r.StartedUtc).ThenByDescending(r => r.Id).Take(count).ToListAsync(ct);

    /// <summary>
    /// Removes runs older than the cut-off that a later success of the same job supersedes (housekeeping):
    /// the rows that decide when a job is due are always kept, however old.
    /// </summary>
    public static Task<int> PurgeAsync(FlorascopeDb db, DateTime olderThanUtc, CancellationToken ct = default) =>
        db.JobRuns.Where(r => r.StartedUtc < olderThanUtc
                && db.JobRuns.Any(n => n.Job == r.Job && n.Outcome == JobOutcome.Succeeded && n.StartedUtc > r.StartedUtc))
            .ExecuteDeleteAsync(ct);
}
