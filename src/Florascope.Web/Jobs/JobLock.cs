using Florascope.Data;
using Florascope.Data.Jobs;
using Medallion.Threading.Postgres;

namespace Florascope.Web.Jobs;

/// <summary>
/// The lock a node holds while it runs a job. With PostgreSQL (many nodes on one database) it is a
/// session-level advisory lock through DistributedLock.Postgres, so a job runs on one node at a time
/// and a node that dies releases it with its connection. With SQLite, the embedded single-node
/// default, only processes of one machine share the file: a process-local lock is enough there, and
/// the record in job_runs still keeps a second process from running a job that is not due.
/// </summary>
public sealed class JobLock(DatabaseSettings database)
{
    private readonly Dictionary<JobName, SemaphoreSlim> _local = JobText.All.ToDictionary(j => j, _ => new SemaphoreSlim(1, 1));

    /// <summary>The lock if it is free now; null when another run (here or on another node) holds it.</summary>
    public async Task<IAsyncDisposable?> TryAcquireAsync(JobName job, CancellationToken ct)
    {
        if (database.Provider == DatabaseProvider.Postgres)
        {
            var key = new PostgresAdvisoryLockKey("florascope-job-" + JobText.Of(job), allowHashing: true);
            return await new PostgresDistributedLock(key, database.EffectiveConnectionString).TryAcquireAsync(TimeSpan.Zero, ct);
        }
        var local = _local[job];
        return await local.WaitAsync(0, ct) ? new Release(local) : null;
    }

    private sealed class Release(SemaphoreSlim semaphore) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) semaphore.Release();
            return ValueTask.CompletedTask;
        }
    }
}
