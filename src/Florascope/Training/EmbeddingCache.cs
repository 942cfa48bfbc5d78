using System.Collections.Concurrent;
using System.Security.Cryptography;
using Florascope.Engine;
using Florascope.Imaging;

namespace Florascope.Training;

/// <summary>
/// Embeddings of training photos, keyed by the SHA-256 of the file's bytes and the view, kept in
/// one append-only file per backbone so that retraining skips the network entirely.
/// Record: 32-byte hash, 1-byte view, 512 little-endian floats.
/// </summary>
public sealed class EmbeddingCache
{
    private const int RecordBytes = 32 + 1 + Backbone.Dim * 4;
    private readonly ConcurrentDictionary<(string Hash, int View), float[]> _map = new();
    private readonly string _file;
    private readonly Lock _writeLock = new();

    public EmbeddingCache(string directory, string backboneSha256)
    {
        Directory.CreateDirectory(directory);
        _file = Path.Combine(directory, $"embeddings-{backboneSha256[..12]}.bin");
        if (!File.Exists(_file)) return;
        var bytes = File.ReadAllBytes(_file);
        // A torn last record (killed process) is ignored, not fatal.
        for (var off = 0; off + RecordBytes <= bytes.Length; off += RecordBytes)
        {
            var hash = Convert.ToHexStringLower(bytes.AsSpan(off, 32));
            var v = new float[Backbone.Dim];
            Buffer.BlockCopy(bytes, off + 33, v, 0, Backbone.Dim * 4);
            _map[(hash, bytes[off + 32])] = v;
        }
    }

    public int Count => _map.Count;

    public static string DefaultDirectory =>
        Environment.GetEnvironmentVariable("FLORASCOPE_CACHE") is { Length: > 0 } d ? d
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "florascope");

    public bool TryGet(string hash, int view, out float[] embedding) => _map.TryGetValue((hash, view), out embedding!);

    public void Add(string hash, int view, float[] embedding)
    {
        if (!_map.TryAdd((hash, view), embedding)) return;
        var record = new byte[RecordBytes];
        Convert.FromHexString(hash).CopyTo(record, 0);
        record[32] = (byte)view;
        Buffer.BlockCopy(embedding, 0, record, 33, Backbone.Dim * 4);
        lock (_writeLock)
        {
            using var fs = new FileStream(_file, FileMode.Append, FileAccess.Write, FileShare.Read);
            fs.Write(record);
        }
    }

    public static string HashFile(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

/// <summary>Computes (or reads from the cache) the embeddings of many photos under several views.</summary>
public static class EmbeddingExtractor
{
    /// <summary>Returns, per image, views.Length x 512 floats. Unreadable images throw with the path.</summary>
    public static float[][] Extract(Embedder embedder, EmbeddingCache? cache, IReadOnlyList<string> paths, int[] views,
        IProgress<(int Done, int Total)>? progress = null)
    {
        var result = new float[paths.Count][];
        var done = 0;
        // Two photos at a time: one decodes while the other is in the network.
        var options = new ParallelOptions { MaxDegreeOfParallelism = 2 };
        Parallel.For(0, paths.Count, options, i =>
        {
            var bytes = File.ReadAllBytes(paths[i]);
            var hash = EmbeddingCache.HashFile(bytes);
            var emb = new float[views.Length * Backbone.Dim];
            var missing = new List<int>();
            for (var v = 0; v < views.Length; v++)
            {
                if (cache is not null && cache.TryGet(hash, views[v], out var cached)) cached.CopyTo(emb, v * Backbone.Dim);
                else missing.Add(v);
            }
            if (missing.Count > 0)
            {
                PreparedImage image;
                try { image = ImageDecoder.Prepare(bytes); }
                catch (ImageInputException e) { throw new InvalidDataException($"{paths[i]}: {e.Message}", e); }
                var fresh = embedder.Embed(image, missing.Select(m => views[m]).ToArray());
                for (var k = 0; k < missing.Count; k++)
                {
                    var one = fresh.AsSpan(k * Backbone.Dim, Backbone.Dim).ToArray();
                    one.CopyTo(emb, missing[k] * Backbone.Dim);
                    cache?.Add(hash, views[missing[k]], one);
                }
            }
            result[i] = emb;
            progress?.Report((Interlocked.Increment(ref done), paths.Count));
        });
        return result;
    }
}
