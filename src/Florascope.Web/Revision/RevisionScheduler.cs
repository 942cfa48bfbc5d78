using Florascope.Data;
using Florascope.Data.Revision;
using Florascope.Revision;
using Florascope.Web.Hosting;
using Florascope.Web.Models;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Revision;

/// <summary>
/// Reruns the whole weighted-vote iteration (<see cref="CommunityRevision.RunBatchAsync"/>) on a
/// schedule, so users' expertise follows what the community validated; between runs, each new
/// identification is decided at once with the current weights.
/// </summary>
public sealed class RevisionScheduler(IServiceScopeFactory scopes, ModelHost models, AggregationSettings settings, TimeProvider clock,
    IOptions<FlorascopeOptions> options, ILogger<RevisionScheduler> log) : BackgroundService
{
    private readonly SemaphoreSlim _running = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = options.Value.Revision.BatchIntervalMinutes;
        if (minutes <= 0) return;
        try { await Task.Delay(TimeSpan.FromSeconds(Math.Min(60, minutes * 60)), stoppingToken); }
        catch (OperationCanceledException) { return; }
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "The revision batch failed; it will run again");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

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
