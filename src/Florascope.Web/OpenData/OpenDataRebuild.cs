using Florascope.Data.Jobs;
using Florascope.Web.Hosting;
using Florascope.Web.Jobs;
using Microsoft.Extensions.Options;

namespace Florascope.Web.OpenData;

/// <summary>
/// The open-data export job: rebuilds the public archive every <see cref="OpenDataOptions.RebuildMinutes"/>
/// (0: off), off the request path: requests keep getting the previous file meanwhile.
/// </summary>
public sealed class OpenDataRebuild(OpenDataArchiveFile archive, IOptions<FlorascopeOptions> options) : IJob
{
    public JobName Name => JobName.OpenDataExport;

    /// <summary>Off when no archive writer is registered, or when RebuildMinutes is 0.</summary>
    public TimeSpan? Period => archive.CanBuild ? JobsOptions.Period(options.Value.OpenData.RebuildMinutes) : null;

    public async Task RunAsync(CancellationToken ct)
    {
        if (!await archive.RebuildAsync(ct)) throw new InvalidOperationException("No open-data archive writer is registered.");
    }
}

/// <summary>
/// At start, on every node: removes temporary files a crashed build left and, with the file store, builds
/// the archive when this node has none (it is a file of the node's data directory: a node that never ran
/// the job must not answer 503 for ever). With a shared store it builds nothing: the job above, once
/// across nodes, writes the one archive every node serves (at once when it never ran).
/// </summary>
public sealed class OpenDataStartup(OpenDataArchiveFile archive, IOptions<FlorascopeOptions> options, ILogger<OpenDataStartup> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.OpenData.RebuildMinutes <= 0) return;
        if (!archive.CanBuild)
        {
            log.LogInformation("No open-data archive writer is registered: /open-data/dwca.zip is not built");
            return;
        }
        // Yields so StartAsync is not held.
        await Task.Yield();
        try
        {
            await archive.RemoveLeftoversAsync(stoppingToken);
            if (!archive.IsShared && !archive.Exists) await archive.RebuildAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        catch (Exception e)
        {
            log.LogWarning(e, "The open-data archive could not be built at start; the job builds it at its next run");
        }
    }
}
