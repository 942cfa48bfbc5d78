using Florascope.Data;
using Florascope.Data.Observations;
using Florascope.Data.Privacy;
using Florascope.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Web.Observations;

/// <summary>
/// At start-up, before the server answers: loads the shipped threat statuses into an empty table
/// (data/threat-statuses.tsv, demo markings) and then brings every public position in line with them.
/// Then, in the background, rewrites stored public photo files that still carry EXIF/XMP.
/// </summary>
public sealed class PrivacyStartup(IServiceScopeFactory scopes, PhotoStore photos, ServerPaths paths, GeoprivacyKey key, TimeProvider clock,
    ILogger<PrivacyStartup> log) : IHostedService
{
    public const string ThreatStatusFile = "threat-statuses.tsv";

    private readonly CancellationTokenSource _stopping = new();
    private Task _cleaning = Task.CompletedTask;

    /// <summary>Ends when the background pass over stored photos has finished (tests wait on it).</summary>
    public Task Cleaning => _cleaning;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
            var loaded = await ThreatStatusStore.LoadIfEmptyAsync(db, Path.Combine(paths.ImageDirectory, ThreatStatusFile), clock, cancellationToken);
            if (loaded > 0) log.LogInformation("Loaded {Count} threat statuses from {File}.", loaded, ThreatStatusFile);
            // Only when statuses were just loaded (a first start, or rows saved before geoprivacy): every
            // later change of statuses (the CLI) and of taxa (the revision batch) refreshes them itself, and
            // a scan of every open row at each start would grow with the observatory.
            if (loaded > 0)
            {
                var changed = await PublicPositions.RefreshAsync(db, key, cancellationToken);
                if (changed > 0) log.LogInformation("Updated the public position of {Count} observations.", changed);
            }
        }
        _cleaning = Task.Run(async () =>
        {
            try
            {
                var cleaned = await photos.CleanPublicFilesAsync(_stopping.Token);
                if (cleaned > 0) log.LogInformation("Removed metadata from {Count} stored public photo files.", cleaned);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Cleaning stored photo files failed; it runs again at the next start.");
            }
        }, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try { await _cleaning.WaitAsync(cancellationToken); }
        catch (OperationCanceledException) { }
        _stopping.Dispose();
    }
}
