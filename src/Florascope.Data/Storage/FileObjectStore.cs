using System.Runtime.CompilerServices;

namespace Florascope.Data.Storage;

/// <summary>
/// Objects as files under <see cref="Root"/> (the single-node default). Writes go to a temporary
/// name beside the file and are renamed, so a reader never sees half a file; temporary files left
/// by a killed write are listed like any object, so garbage collection removes them.
/// </summary>
public sealed class FileObjectStore(string root) : IObjectStore
{
    public string Root { get; } = root;

    public string Description => Root;

    public string? LocalPath(string key) => PathOf(key);

    private string PathOf(string key) => Path.Combine(Root, ObjectKeys.Check(key).Replace('/', Path.DirectorySeparatorChar));

    public async Task PutAsync(string key, Stream content, string? contentType = null, CancellationToken ct = default)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = TempName(path);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                await content.CopyToAsync(file, ct);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public Task WriteOnceAsync(string key, byte[] content, string? contentType = null, CancellationToken ct = default)
    {
        var path = PathOf(key);
        if (File.Exists(path))
        {
            // Touch it, so garbage collection sees it as part of this (recent) upload.
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return Task.CompletedTask;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = TempName(path);
        File.WriteAllBytes(temp, content);
        File.Move(temp, path, overwrite: true);
        return Task.CompletedTask;
    }

    public Task<ObjectContent?> OpenReadAsync(string key, CancellationToken ct = default)
    {
        var info = new FileInfo(PathOf(key));
        if (!info.Exists) return Task.FromResult<ObjectContent?>(null);
        try
        {
            var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true);
            return Task.FromResult<ObjectContent?>(new ObjectContent(stream, stream.Length, info.LastWriteTimeUtc, null));
        }
        catch (FileNotFoundException)
        {
            return Task.FromResult<ObjectContent?>(null);
        }
    }

    public Task<ObjectInfo?> InfoAsync(string key, CancellationToken ct = default)
    {
        var info = new FileInfo(PathOf(key));
        return Task.FromResult(info.Exists ? new ObjectInfo(key, info.Length, info.LastWriteTimeUtc) : null);
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (!Directory.Exists(Root)) yield break;
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            ct.ThrowIfCancellationRequested();
            var key = Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var info = new FileInfo(file);
            if (!info.Exists) continue;
            yield return new ObjectInfo(key, info.Length, info.LastWriteTimeUtc);
        }
        await Task.CompletedTask;
    }

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    /// <summary>The folder appears with the first object: until then its parent must be there.</summary>
    public Task<bool> IsAvailableAsync(CancellationToken ct = default) =>
        Task.FromResult(Directory.Exists(Root) || Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(Root))));

    private static string TempName(string path) => path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
}
