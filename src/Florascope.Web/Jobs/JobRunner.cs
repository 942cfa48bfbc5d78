using Florascope.Data;
using Florascope.Data.Jobs;
using Florascope.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Jobs;

/// <summary>Why a run asked for was not made.</summary>
public enum JobStart
{
    Started,
    /// <summary>Another run holds the job's lock, on this node or another.</summary>
    AlreadyRunning,
}

/// <summary>
/// Runs every enabled <see cref="IJob"/> on every node, and each once per period across the nodes:
/// a node wakes when the runs recorded in the database (not its own memory) make the job due
/// (<see cref="JobSchedule"/>), takes the job's lock (<see cref="JobLock"/>), reads the record again
/// (another node may have run it meanwhile: then it records a skip) and runs it, recording the
/// outcome. A failure is retried with the bounded backoff of <see cref="JobSchedule.RetryDelay"/>.
/// </summary>
public sealed class JobRunner(IEnumerable<IJob> jobs, JobLock locks, IServiceScopeFactory scopes, TimeProvider clock,
    IOptions<FlorascopeOptions> options, ILogger<JobRunner> log) : BackgroundService
{
    private readonly IReadOnlyDictionary<JobName, IJob> _jobs = jobs.ToDictionary(j => j.Name);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>This node's name in job_runs: <c>Florascope:NodeName</c>, else the machine's name and the process id.</summary>
    public string NodeName { get; } = options.Value.NodeName is { Length: > 0 } n ? n : $"{Environment.MachineName}-{Environment.ProcessId}";

    public IReadOnlyCollection<IJob> Jobs => [.. _jobs.Values.OrderBy(j => j.Name)];

    public IJob? Find(JobName name) => _jobs.GetValueOrDefault(name);

    private TimeSpan Poll => TimeSpan.FromSeconds(options.Value.Jobs.PollSeconds);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        stoppingToken.Register(_stopping.Cancel);
        return Task.WhenAll(_jobs.Values.Where(j => j.Period is not null).Select(j => LoopAsync(j, j.Period!.Value, stoppingToken)));
    }

    private async Task LoopAsync(IJob job, TimeSpan period, CancellationToken ct)
    {
        // Lets the server finish starting before the first look.
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            var wait = Poll;
            try
            {
                var state = await WithDbAsync(db => JobRunStore.StateAsync(db, job.Name, ct));
                var now = clock.GetUtcNow().UtcDateTime;
                if (JobSchedule.IsDue(state, period, now))
                {
                    await using var held = await locks.TryAcquireAsync(job.Name, ct);
                    // Lock held: another node runs it now; look again after the poll interval.
                    if (held is not null) await RunHeldAsync(job, period, ct);
                }
                else
                {
                    var untilDue = JobSchedule.NextDueUtc(state, period) - now;
                    if (untilDue < wait) wait = untilDue;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The database unreachable, say: the job is not lost, the next look retries.
                log.LogWarning(e, "Could not schedule the job {Job}; looking again in {Seconds:0} s", JobText.Of(job.Name), wait.TotalSeconds);
            }
            try { await Task.Delay(wait, clock, ct); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// Runs the job now on this node, whether due or not (an administrator asked), unless a run holds its
    /// lock here or elsewhere. The run goes on in the background; its record tells how it went.
    /// </summary>
    public async Task<JobStart> TryStartNowAsync(IJob job, CancellationToken ct)
    {
        var held = await locks.TryAcquireAsync(job.Name, ct);
        if (held is null) return JobStart.AlreadyRunning;
        _ = Task.Run(async () =>
        {
            await using (held)
            {
                try { await RunHeldAsync(job, period: null, _stopping.Token); }
                catch (Exception e) when (e is not OperationCanceledException) { log.LogWarning(e, "The run of {Job} asked for could not be recorded", JobText.Of(job.Name)); }
            }
        }, CancellationToken.None);
        return JobStart.Started;
    }

    /// <summary>With the lock held: reads the record again, then runs (or skips) and records. A null period runs whatever the record says.</summary>
    private async Task RunHeldAsync(IJob job, TimeSpan? period, CancellationToken ct)
    {
        var state = await WithDbAsync(db => JobRunStore.StateAsync(db, job.Name, ct));
        var started = clock.GetUtcNow().UtcDateTime;
        var timestamp = clock.GetTimestamp();
        if (period is { } p && !JobSchedule.IsDue(state, p, started))
        {
            // Another node ran it between our look and our lock.
            await RecordAsync(job.Name, started, JobOutcome.SkippedNotDue, null, state.NextAttempt, TimeSpan.Zero, ct);
            return;
        }
        string? error = null;
        try
        {
            await job.RunAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch (Exception e)
        {
            error = $"{e.GetType().Name}: {e.Message}";
            log.LogWarning(e, "The job {Job} failed (attempt {Attempt}); it will be retried", JobText.Of(job.Name), state.NextAttempt);
        }
        await RecordAsync(job.Name, started, error is null ? JobOutcome.Succeeded : JobOutcome.Failed, error, state.NextAttempt, clock.GetElapsedTime(timestamp), ct);
    }

    private async Task RecordAsync(JobName job, DateTime started, JobOutcome outcome, string? error, int attempt, TimeSpan elapsed, CancellationToken ct)
    {
        // The finish in the clock's time; the elapsed time from its timestamps (what the metric reports).
        var finished = clock.GetUtcNow().UtcDateTime;
        if (finished < started + elapsed) finished = started + elapsed;
        await WithDbAsync(db => JobRunStore.RecordAsync(db, job, NodeName, started, finished, outcome, error, attempt, ct));
        JobMetrics.Record(job, outcome, elapsed);
    }

    private async Task<T> WithDbAsync<T>(Func<FlorascopeDb, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<FlorascopeDb>());
    }

    public override void Dispose()
    {
        // The base cancels its stopping token first, whose callback cancels ours: ours is disposed after it.
        base.Dispose();
        _stopping.Dispose();
    }
}
