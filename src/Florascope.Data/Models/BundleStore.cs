using Florascope.Data.Storage;

namespace Florascope.Data.Models;

/// <summary>
/// Model bundles in the shared object store, so that every node can load the one promoted on any
/// of them: a bundle's files under <c>{Prefix}models/&lt;version&gt;/</c>, fetched by each node into a
/// cache folder of its own. Without a shared store (Kind=files) bundles stay in the folder they were
/// written to, as on a single node.
/// </summary>
public sealed class BundleStore(IObjectStore? objects, string cacheDirectory)
{
    /// <summary>The cache's folder under the data directory.</summary>
    public const string CacheFolder = "model-cache";

    /// <summary>Whether bundles are uploaded to a store every node reads.</summary>
    public bool IsShared => objects is not null;

    public string CacheDirectory { get; } = cacheDirectory;

    /// <summary>The key folder of a version: its name escaped, so that any version string is one path segment.</summary>
    public static string KeyOf(string version) =>
        (Uri.EscapeDataString(version) is var escaped && escaped is "." or ".." ? escaped.Replace(".", "%2E", StringComparison.Ordinal) : escaped) + "/";

    /// <summary>
    /// Uploads a bundle folder (every file, recursively) and returns its key folder, to record in
    /// <see cref="ModelVersion.BundleKey"/> only once the upload is complete: a node never fetches half a bundle.
    /// </summary>
    public async Task<string> UploadAsync(string version, string directory, CancellationToken ct = default)
    {
        var store = objects ?? throw new InvalidOperationException("Bundles are not shared: Florascope:Storage:Kind is files.");
        var key = KeyOf(version);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            await using var stream = File.OpenRead(file);
            await store.PutAsync(key + Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '/'), stream, ct: ct);
        }
        return key;
    }

    /// <summary>
    /// The local folder of an uploaded bundle, fetched into <see cref="CacheDirectory"/> the first time:
    /// downloaded beside it and renamed when whole, so a half-fetched bundle is never loaded.
    /// </summary>
    public async Task<string> FetchAsync(string bundleKey, CancellationToken ct = default)
    {
        var store = objects ?? throw new InvalidOperationException("Bundles are not shared: Florascope:Storage:Kind is files.");
        ObjectKeys.Check(bundleKey.TrimEnd('/'));
        var target = Path.Combine(CacheDirectory, bundleKey.TrimEnd('/'));
        if (Directory.Exists(target)) return target;
        var temp = target + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var local = new FileObjectStore(temp);
            var files = 0;
            await foreach (var o in store.ListAsync(bundleKey, ct))
            {
                var content = await store.OpenReadAsync(o.Key, ct) ?? throw new IOException($"{o.Key} disappeared from {store.Description} while it was fetched.");
                await using (content.Content)
                    await local.PutAsync(o.Key[bundleKey.Length..], content.Content, ct: ct);
                files++;
            }
            if (files == 0) throw new IOException($"No bundle at {bundleKey} in {store.Description}.");
            try
            {
                Directory.Move(temp, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Fetched by another process meanwhile: keep that one.
                Directory.Delete(temp, recursive: true);
            }
            return target;
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
    }
}
