using Florascope.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Florascope.Web.OpenData;

/// <summary>
/// Rebuilds the public archive every <see cref="OpenDataOptions.RebuildMinutes"/> (at start too when
/// there is none yet), off the request path: requests keep getting the previous file meanwhile.
/// </summary>
public sealed class OpenDataRebuild(OpenDataArchiveFile archive, TimeProvider clock, IOptions<FlorascopeOptions> options, ILogger<OpenDataRebuild> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = options.Value.OpenData.RebuildMinutes;
        if (minutes <= 0) return;
        if (!archive.CanBuild)
        {
            log.LogInformation("No open-data archive writer is registered: /open-data/dwca.zip is not built");
            return;
        }
        // Let the server finish starting before the first build; yields so StartAsync is not held.
        await Task.Yield();
        await archive.RemoveLeftoversAsync(stoppingToken);
        if (!archive.Exists) await RunOnceAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes), clock);
        while (await WaitAsync(timer, stoppingToken)) await RunOnceAsync(stoppingToken);
    }

    private async Task RunOnceAsync(CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        try
        {
            await archive.RebuildAsync(ct);
            log.LogInformation("Open-data archive rebuilt in {Seconds:0.0} s", clock.GetElapsedTime(started).TotalSeconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The previous archive stays in place and is served; the next tick tries again.
            log.LogWarning(e, "The open-data archive could not be rebuilt; the previous one is still served");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }
}
