using Florascope.Data;
using Florascope.Data.Jobs;
using Florascope.Data.Observations;
using Florascope.Web.Hosting;
using Florascope.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Observations;

/// <summary>
/// The photo collection job: removes photo files no row references (left by a failed or killed upload),
/// every <c>Florascope:Jobs:PhotoCollectionMinutes</c> (hourly), keeping anything younger than an
/// hour, which may belong to an upload in progress.
/// </summary>
public sealed class PhotoGarbageCollector(IServiceScopeFactory scopes, PhotoStore photos, IOptions<FlorascopeOptions> options,
    ILogger<PhotoGarbageCollector> log) : IJob
{
    public static readonly TimeSpan MinAge = TimeSpan.FromHours(1);

    public JobName Name => JobName.PhotoCollection;

    public TimeSpan? Period => JobsOptions.Period(options.Value.Jobs.PhotoCollectionMinutes);

    public async Task RunAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        // One query per page of the store's listing: never every hash in memory at once.
        var removed = await photos.CollectGarbageAsync(async (page, token) =>
            (await db.ObservationPhotos.Where(p => page.Contains(p.Sha256)).Select(p => p.Sha256).Distinct().ToListAsync(token)).ToHashSet(), MinAge, ct);
        if (removed > 0) log.LogInformation("Removed {Count} unreferenced photo files.", removed);
    }
}
