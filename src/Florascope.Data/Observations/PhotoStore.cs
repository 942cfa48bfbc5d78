using System.Security.Cryptography;
using Florascope.Data.Storage;
using Florascope.Imaging;

namespace Florascope.Data.Observations;

public enum PhotoSize
{
    Original,
    Medium,
    Small,
}

public sealed record StoredPhoto(string Sha256, ImageKind Kind, int Width, int Height);

/// <summary>
/// Photos by the SHA-256 of their bytes in an object store (a folder, or an S3 bucket shared by
/// every node): <c>ab/abcd...</c> (the original as sent), <c>ab/abcd...-m.jpg</c> (1280 px) and
/// <c>-s.jpg</c> (320 px), upright. A photo sent twice is stored once. Each object is written whole
/// or not at all (<see cref="IObjectStore"/>), so a reader never sees half a photo; objects that no
/// row references (a failed or killed upload) are removed by <see cref="CollectGarbageAsync"/> once
/// they are old enough not to belong to an upload in progress.
/// </summary>
public sealed class PhotoStore(IObjectStore store)
{
    public const int MediumSide = 1280;
    public const int SmallSide = 320;

    /// <summary>Photos in a folder of this machine.</summary>
    public PhotoStore(string root) : this(new FileObjectStore(root)) { }

    public IObjectStore Objects { get; } = store;

    /// <summary>Left in the store by a completed <see cref="CleanPublicFilesAsync"/> pass; never collected.</summary>
    public const string CleanMarker = ".public-files-clean";

    /// <summary>Checks and stores a photo (all three sizes); returns its hash and upright size.</summary>
    public async Task<StoredPhoto> SaveAsync(byte[] data, DecodeLimits? limits = null, CancellationToken ct = default)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(data));
        var resized = ImageDecoder.Resize(data, [MediumSide, SmallSide], limits: limits);
        await Objects.WriteOnceAsync(KeyOf(hash, PhotoSize.Original), data, resized.Kind == ImageKind.Png ? "image/png" : "image/jpeg", ct);
        await Objects.WriteOnceAsync(KeyOf(hash, PhotoSize.Medium), resized.Jpegs[0], "image/jpeg", ct);
        await Objects.WriteOnceAsync(KeyOf(hash, PhotoSize.Small), resized.Jpegs[1], "image/jpeg", ct);
        return new StoredPhoto(hash, resized.Kind, resized.Width, resized.Height);
    }

    /// <summary>The object key of a photo: <c>ab/abcd...</c>, <c>-m.jpg</c>, <c>-s.jpg</c>.</summary>
    public static string KeyOf(string sha256, PhotoSize size)
    {
        if (!IsHash(sha256)) throw new ArgumentException("Not a SHA-256 hash.", nameof(sha256));
        var name = size switch
        {
            PhotoSize.Medium => sha256 + "-m.jpg",
            PhotoSize.Small => sha256 + "-s.jpg",
            _ => sha256,
        };
        return sha256[..2] + "/" + name;
    }

    public static bool IsHash(string s) => s.Length == 64 && s.All(char.IsAsciiHexDigitLower);

    /// <summary>The file of a photo when the store is a folder of this machine (tools and tests).</summary>
    public string PathOf(string sha256, PhotoSize size) =>
        Objects.LocalPath(KeyOf(sha256, size)) ?? throw new InvalidOperationException($"Photos are not on this machine's disk but in {Objects.Description}.");

    /// <summary>A stored photo to stream, or null when there is none.</summary>
    public Task<ObjectContent?> OpenAsync(string sha256, PhotoSize size, CancellationToken ct = default) => Objects.OpenReadAsync(KeyOf(sha256, size), ct);

    /// <summary>
    /// A file with the original photo, for training: the stored file itself on a folder store, else a
    /// copy fetched once into <paramref name="cacheDirectory"/>. Null when the photo is missing.
    /// </summary>
    public async Task<string?> LocalOriginalAsync(string sha256, string cacheDirectory, CancellationToken ct = default)
    {
        var key = KeyOf(sha256, PhotoSize.Original);
        if (Objects.LocalPath(key) is { } local) return File.Exists(local) ? local : null;
        var cached = Path.Combine(cacheDirectory, sha256[..2], sha256);
        if (File.Exists(cached)) return cached;
        var content = await Objects.OpenReadAsync(key, ct);
        if (content is null) return null;
        await using (content.Content)
            await new FileObjectStore(cacheDirectory).PutAsync(key, content.Content, ct: ct);
        return cached;
    }

    /// <summary>Deletes stored photos whose hash is not referenced and whose objects are older than <paramref name="minAge"/>.</summary>
    public Task<int> CollectGarbageAsync(IReadOnlySet<string> referenced, TimeSpan minAge, CancellationToken ct = default) =>
        CollectGarbageAsync((_, _) => Task.FromResult(referenced), minAge, ct);

    /// <summary>Photos looked at per page: one database question each, so memory stays the page's whatever the store holds.</summary>
    public const int GarbagePage = 1000;

    /// <summary>
    /// Deletes stored photos no row references and older than <paramref name="minAge"/>, a page of the listing at a
    /// time: <paramref name="referencedAmong"/> says which of a page's hashes are referenced (one query), so the
    /// store's 150M photos are never all in memory.
    /// </summary>
    public async Task<int> CollectGarbageAsync(Func<IReadOnlyCollection<string>, CancellationToken, Task<IReadOnlySet<string>>> referencedAmong,
        TimeSpan minAge, CancellationToken ct = default)
    {
        var removed = 0;
        var cutoff = DateTime.UtcNow - minAge;
        var page = new List<(string Key, string Hash, bool IsTemp)>(GarbagePage);
        await foreach (var o in Objects.ListAsync("", ct))
        {
            var name = o.Key[(o.Key.LastIndexOf('/') + 1)..];
            if (name == CleanMarker || o.LastModifiedUtc > cutoff) continue;
            page.Add((o.Key, name.Length >= 64 ? name[..64] : name, name.Contains(".tmp-", StringComparison.Ordinal)));
            if (page.Count < GarbagePage) continue;
            removed += await CollectPageAsync(page, referencedAmong, cutoff, ct);
            page.Clear();
        }
        return removed + await CollectPageAsync(page, referencedAmong, cutoff, ct);
    }

    private async Task<int> CollectPageAsync(List<(string Key, string Hash, bool IsTemp)> page,
        Func<IReadOnlyCollection<string>, CancellationToken, Task<IReadOnlySet<string>>> referencedAmong, DateTime cutoff, CancellationToken ct)
    {
        if (page.Count == 0) return 0;
        var referenced = await referencedAmong([.. page.Where(p => !p.IsTemp).Select(p => p.Hash).Distinct()], ct);
        var removed = 0;
        foreach (var (key, hash, isTemp) in page)
        {
            if (!isTemp && referenced.Contains(hash)) continue;
            // Looked at again first: the listing takes a while and an upload may have refreshed it since.
            if (await Objects.InfoAsync(key, ct) is not { } now || now.LastModifiedUtc > cutoff) continue;
            await Objects.DeleteAsync(key, ct);
            removed++;
        }
        return removed;
    }

    /// <summary>
    /// Rewrites any public file (-m.jpg, -s.jpg) that carries EXIF/XMP metadata, e.g. one written by an
    /// older version or copied in by hand: regenerated upright from the original when it is there,
    /// else stripped (<see cref="ImageSanitizer"/>). Returns how many were rewritten. Files written by
    /// this version never carry any, so a completed pass leaves a marker beside them and later
    /// starts skip the scan (at Pl@ntNet's scale it reads hundreds of millions of files).
    /// </summary>
    public async Task<int> CleanPublicFilesAsync(CancellationToken ct = default)
    {
        var markerContent = await Objects.OpenReadAsync(CleanMarker, ct);
        if (markerContent is not null)
        {
            await markerContent.Content.DisposeAsync();
            return 0;
        }
        var cleaned = 0;
        var any = false;
        var candidates = new List<string>();
        await foreach (var o in Objects.ListAsync("", ct))
        {
            any = true;
            var name = o.Key[(o.Key.LastIndexOf('/') + 1)..];
            if (name.Length != 70 || !(name.EndsWith("-m.jpg", StringComparison.Ordinal) || name.EndsWith("-s.jpg", StringComparison.Ordinal))) continue;
            candidates.Add(o.Key);
        }
        if (!any) return 0;
        foreach (var key in candidates)
        {
            ct.ThrowIfCancellationRequested();
            var name = key[(key.LastIndexOf('/') + 1)..];
            if (await ReadAllAsync(key, ct) is not { } bytes || !JpegMetadata.HasMetadata(bytes)) continue;
            var original = await ReadAllAsync(KeyOf(name[..64], PhotoSize.Original), ct);
            byte[] clean;
            try
            {
                clean = original is not null
                    ? ImageDecoder.Resize(original, [name.EndsWith("-m.jpg", StringComparison.Ordinal) ? MediumSide : SmallSide]).Jpegs[0]
                    : ImageSanitizer.Clean(bytes);
            }
            catch (ImageInputException)
            {
                clean = JpegMetadata.Strip(bytes);
            }
            using (var stream = new MemoryStream(clean, writable: false))
                await Objects.PutAsync(key, stream, "image/jpeg", ct);
            cleaned++;
        }
        using (var marker = new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"Every stored public photo file checked for EXIF/XMP on {DateTime.UtcNow:O}.\n"), writable: false))
            await Objects.PutAsync(CleanMarker, marker, "text/plain", ct);
        return cleaned;
    }

    private async Task<byte[]?> ReadAllAsync(string key, CancellationToken ct)
    {
        var content = await Objects.OpenReadAsync(key, ct);
        if (content is null) return null;
        await using (content.Content)
        {
            using var buffer = new MemoryStream();
            await content.Content.CopyToAsync(buffer, ct);
            return buffer.ToArray();
        }
    }
}
