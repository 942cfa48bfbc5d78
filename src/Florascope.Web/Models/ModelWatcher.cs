using Florascope.Data.Storage;
using Florascope.Data;
using Florascope.Data.Floras;
using Florascope.Data.Models;
using Florascope.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Models;

/// <summary>
/// Follows the promoted model: every few seconds it reads which version is current in the database
/// (`florascope train --register` promotes there) and switches the <see cref="ModelHost"/> when it
/// changed. Several servers on one database all follow: with a shared object store each fetches the
/// promoted bundle into its own cache first (<see cref="BundleStore"/>).
/// </summary>
public sealed class ModelWatcher(IServiceScopeFactory scopes, ModelHost host, BundleStore bundles, IOptions<FlorascopeOptions> options, ILogger<ModelWatcher> log) : BackgroundService
{
    private string? _failedVersion;

    /// <summary>A server started after a promotion serves the promoted model from its first request.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CheckAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Could not check for a promoted model at start-up");
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(0.2, options.Value.Models.PollSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Could not check for a promoted model");
            }
            try { await Task.Delay(interval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Switches to the current promoted model if it is not the one running; returns whether it switched.</summary>
    public async Task<bool> CheckAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        await CheckProjectsAsync(db, ct);
        var current = await db.ModelVersions.AsNoTracking().Where(m => m.IsCurrent).Select(m => new { m.Version, m.Path, m.BundleKey }).FirstOrDefaultAsync(ct);
        if (current is null || current.Version == host.Version || current.Version == _failedVersion) return false;
        // A store that cannot be reached fails this poll only (the next one retries); a bundle that cannot be loaded is given up.
        var directory = current.Path;
        try
        {
            if (current.BundleKey is { } key && bundles.IsShared) directory = await bundles.FetchAsync(key, ct);
            // Loading reads a few MB of heads and references: off the request path, then one reference swap.
            var engine = await Task.Run(() => host.SwitchTo(directory), ct);
            log.LogInformation("Switched to model {Version} ({Taxa} taxa)", engine.Bundle.Manifest.Version, engine.Bundle.Checklist.Taxa.Count);
            return true;
        }
        catch (Exception e) when (e is not ObjectStoreUnavailableException && e is IOException or InvalidDataException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            _failedVersion = current.Version;
            log.LogError(e, "The promoted model {Version} at {Path} cannot be loaded; staying on {Running}", current.Version, directory, host.Version);
            return false;
        }
    }

    /// <summary>
    /// Imported checklist projects (florascope flora import-checklist, from another process) are
    /// composed into the running checklist within one poll of their change.
    /// </summary>
    private async Task CheckProjectsAsync(FlorascopeDb db, CancellationToken ct)
    {
        var version = await ChecklistProjects.VersionAsync(db, ct);
        if (version == host.ProjectsVersion) return;
        var floras = await ChecklistProjects.LoadAsync(db, ct);
        var engine = host.UseProjects(floras, version);
        log.LogInformation("Imported projects now {Projects} ({Version})", string.Join(", ", engine.Bundle.Checklist.ImportedProjects.Keys), version);
    }
}
