using Florascope.Data;
using Florascope.Data.Observations;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Web.Observations;

/// <summary>
/// Removes photo files no row references (left by a failed or killed upload): at start-up and
/// every hour, keeping anything younger than an hour, which may belong to an upload in progress.
/// </summary>
public sealed class PhotoGarbageCollector(IServiceScopeFactory scopes, PhotoStore photos, ILogger<PhotoGarbageCollector> log) : BackgroundService
{
    public static readonly TimeSpan MinAge = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
                var referenced = (await db.ObservationPhotos.Select(p => p.Sha256).Distinct().ToListAsync(stoppingToken)).ToHashSet();
                var removed = await photos.CollectGarbageAsync(referenced, MinAge, stoppingToken);
                if (removed > 0) log.LogInformation("Removed {Count} unreferenced photo files.", removed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Photo garbage collection failed; it will run again in an hour.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
