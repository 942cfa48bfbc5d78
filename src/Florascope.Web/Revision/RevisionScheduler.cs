using Florascope.Data;
using Florascope.Data.Jobs;
using Florascope.Data.Revision;
using Florascope.Revision;
using Florascope.Web.Hosting;
using Florascope.Web.Jobs;
using Florascope.Web.Models;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Revision;

/// <summary>
/// The revision batch job: reruns the whole weighted-vote iteration (<see cref="CommunityRevision.RunBatchAsync"/>)
/// every <c>Florascope:Revision:BatchIntervalMinutes</c> (0: off), on one node at a time (<see cref="JobRunner"/>),
/// so users' expertise follows what the community validated; between runs, each new identification is
/// decided at once with the current weights.
/// </summary>
public sealed class RevisionScheduler(IServiceScopeFactory scopes, ModelHost models, AggregationSettings settings, TimeProvider clock,
    IOptions<FlorascopeOptions> options, ILogger<RevisionScheduler> log) : IJob
{
    private readonly SemaphoreSlim _running = new(1, 1);

    public JobName Name => JobName.RevisionBatch;

    public TimeSpan? Period => JobsOptions.Period(options.Value.Revision.BatchIntervalMinutes);

    Task IJob.RunAsync(CancellationToken ct) => RunOnceAsync(ct);

    /// <summary>One batch run (one at a time in this process).</summary>
    public async Task<BatchReport> RunOnceAsync(CancellationToken ct)
    {
        await _running.WaitAsync(ct);
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
            var report = await CommunityRevision.RunBatchAsync(db, models.Current.Bundle.Checklist, settings, clock, null, ct);
            // Taxa may have changed: public positions follow (geoprivacy of threatened taxa).
            await Florascope.Data.Privacy.PublicPositions.RefreshAsync(db, scope.ServiceProvider.GetRequiredService<Florascope.Data.Privacy.GeoprivacyKey>(), ct);
            log.LogInformation("Revision batch: {Observations} observations, {Valid} valid, {Changed} changed, {Rounds} rounds, {Seconds:0.0} s",
                report.Observations, report.Valid, report.ObservationsChanged, report.Rounds, report.Elapsed.TotalSeconds);
            return report;
        }
        finally
        {
            _running.Release();
        }
    }
}
