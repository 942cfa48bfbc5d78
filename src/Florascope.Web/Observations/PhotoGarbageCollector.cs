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
        var referenced = (await db.ObservationPhotos.Select(p => p.Sha256).Distinct().ToListAsync(ct)).ToHashSet();
        var removed = await photos.CollectGarbageAsync(referenced, MinAge, ct);
        if (removed > 0) log.LogInformation("Removed {Count} unreferenced photo files.", removed);
    }
}
