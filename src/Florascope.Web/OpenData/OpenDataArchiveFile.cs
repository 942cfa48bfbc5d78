using Florascope.Data;
using Florascope.Data.Storage;
using Florascope.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Florascope.Web.OpenData;

/// <summary>
/// Where the archive is published when nodes share an object store (<see cref="StorageSettings.CreateOpenDataStore"/>),
/// or null with the file store: the archive then stays a file of the node's data directory.
/// </summary>
public sealed record SharedArchiveStore(IObjectStore? Store) : IDisposable
{
    public void Dispose() => (Store as IDisposable)?.Dispose();
}

/// <summary>The archive opened for reading, described from the opened bytes; the caller disposes <see cref="Content"/>.</summary>
public sealed record OpenedArchive(Stream Content, long Length, DateTime LastModifiedUtc);

/// <summary>
/// The published archive. With the file store, a file on disk ({DataDirectory}/open-data/dwca.zip): a build
/// writes a temporary file beside it and renames it over the old one, so a reader sees the old file or the
/// new one, whole, and a download already open keeps reading the old bytes (the open handle outlives the
/// rename). With a shared store (S3), the object <c>open-data/dwca.zip</c>: the temporary file is uploaded
/// whole (an S3 PUT is atomic) and every node serves that one object, so all nodes serve the same archive.
/// </summary>
public sealed class OpenDataArchiveFile(DatabaseSettings database, IServiceScopeFactory scopes, IServiceProvider services,
    IOptions<FlorascopeOptions> options, ILogger<OpenDataArchiveFile> log, SharedArchiveStore shared)
{
    public const string FileName = "dwca.zip";
    private const string TemporarySuffix = ".building";
    private readonly SemaphoreSlim _building = new(1, 1);

    public string Folder { get; } = System.IO.Path.Combine(database.DataDirectory, "open-data");

    public string ArchivePath => System.IO.Path.Combine(Folder, FileName);

    /// <summary>Whether this node's archive file is there (the file store's archive; not used with a shared store).</summary>
    public bool Exists => File.Exists(ArchivePath);

    /// <summary>Whether the archive lives in the store every node shares, rather than in this node's data directory.</summary>
    public bool IsShared => shared.Store is not null;

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

    /// <summary>
    /// Opens the current archive (this node's file or the shared object), or null before the first build.
    /// A store that cannot be reached throws <see cref="ObjectStoreUnavailableException"/>.
    /// </summary>
    public async Task<OpenedArchive?> OpenAsync(CancellationToken ct)
    {
        if (shared.Store is { } store)
        {
            if (await store.OpenReadAsync(FileName, ct) is not { } o) return null;
            return new OpenedArchive(new ForwardSeekStream(o.Content, o.Length), o.Length, o.LastModifiedUtc);
        }
        if (TryOpen() is not { } file) return null;
        return new OpenedArchive(file, file.Length, File.GetLastWriteTimeUtc(file.SafeFileHandle));
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
            if (shared.Store is { } store)
            {
                // Uploaded whole once built: a node never serves a half-written archive.
                await using var built = new FileStream(temporary, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await store.PutAsync(FileName, built, "application/zip", ct);
                return true;
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
