using Florascope.Data;
using Florascope.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Florascope.Web.OpenData;

/// <summary>
/// The cached archive on disk ({DataDirectory}/open-data/dwca.zip). A build writes a temporary file
/// beside it and renames it over the old one: a reader sees the old file or the new one, whole,
/// and a download already open keeps reading the old bytes (the open handle outlives the rename).
/// </summary>
public sealed class OpenDataArchiveFile(DatabaseSettings database, IServiceScopeFactory scopes, IServiceProvider services,
    IOptions<FlorascopeOptions> options, ILogger<OpenDataArchiveFile> log)
{
    public const string FileName = "dwca.zip";
    private const string TemporarySuffix = ".building";
    private readonly SemaphoreSlim _building = new(1, 1);

    public string Folder { get; } = System.IO.Path.Combine(database.DataDirectory, "open-data");

    public string ArchivePath => System.IO.Path.Combine(Folder, FileName);

    public bool Exists => File.Exists(ArchivePath);

    /// <summary>Whether a builder is registered (see <see cref="OpenDataArchive"/>).</summary>
    public bool CanBuild => services.GetService<OpenDataArchive>() is not null;

    /// <summary>Whether the background job will build it (a builder is registered and RebuildMinutes is not 0).</summary>
    public bool IsScheduled => CanBuild && options.Value.OpenData.RebuildMinutes > 0;

    /// <summary>Opens the current archive for reading, or null before the first build; renames and deletes may happen while it is open.</summary>
    public FileStream? TryOpen()
    {
        try
        {
            return new FileStream(ArchivePath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    /// <summary>Builds the archive and puts it in place; one build at a time. False when no builder is registered.</summary>
    public async Task<bool> RebuildAsync(CancellationToken ct = default)
    {
        if (services.GetService<OpenDataArchive>() is not { } archive) return false;
        await _building.WaitAsync(ct);
        var temporary = System.IO.Path.Combine(Folder, $"{FileName}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            System.IO.Directory.CreateDirectory(Folder);
            await using (var scope = scopes.CreateAsyncScope())
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                await archive.Build(scope.ServiceProvider, output, ct);
                await output.FlushAsync(ct);
                output.Flush(flushToDisk: true);
            }
            // rename(2) replaces the old file atomically; an open handle on it keeps the old bytes.
            File.Move(temporary, ArchivePath, overwrite: true);
            return true;
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
            _building.Release();
        }
    }

    /// <summary>Temporary files a crashed build left behind (never the file of a build running now: it holds the lock).</summary>
    public async Task RemoveLeftoversAsync(CancellationToken ct)
    {
        if (!System.IO.Directory.Exists(Folder)) return;
        await _building.WaitAsync(ct);
        try
        {
            foreach (var f in System.IO.Directory.EnumerateFiles(Folder, "*" + TemporarySuffix))
            {
                try { File.Delete(f); }
                catch (IOException e) { log.LogWarning(e, "Could not remove {File}", f); }
            }
        }
        finally
        {
            _building.Release();
        }
    }
}
