using System.Collections.Concurrent;
using Florascope.Web.Hosting;
using Florascope.Web.Identify;
using Florascope.Imaging;

namespace Florascope.Web.Media;

/// <summary>
/// Serves the reference photos named in identification results, as the original (o) or resized
/// to 600 px (m) or 160 px (s) on the long side, upright and without EXIF/XMP metadata (an
/// original that has some is served as a cleaned copy). Only photos of the model's reference index
/// are served, so no path outside it can be asked for. Cleaned and resized copies are cached on disk;
/// making one (a cache miss) decodes a photo, so it runs on a worker slot of the inference pool (503
/// when the pool is full), while a cache hit is only a file served.
/// </summary>
public static class MediaApi
{
    private static readonly Dictionary<string, int> Sizes = new() { ["m"] = 600, ["s"] = 160 };

    /// <summary>
    /// The long side of a non-JPEG original's JPEG copy: large enough for any screen, and small enough
    /// that a huge PNG is reduced row by row instead of decoded whole.
    /// </summary>
    private const int OriginalLongSide = 4096;

    /// <summary>
    /// Whether an original carries metadata, by full path, valid while the file keeps its length and
    /// time (so a replaced file is read again); the keys are reference photos only, a bounded set.
    /// </summary>
    private static readonly ConcurrentDictionary<string, (long Length, DateTime WrittenUtc, bool HasMetadata)> Metadata = new(StringComparer.Ordinal);

    public static IEndpointConventionBuilder MapMediaApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/media/{**path}", Get).WithTags("Media").WithSummary("A reference photo: size o (original), m (600 px) or s (160 px).");

    public static async Task<IResult> Get(string path, string? size, ServerPaths paths, InferencePool pool, HttpContext context, CancellationToken ct)
    {
        size = string.IsNullOrEmpty(size) ? "o" : size;
        if (size != "o" && !Sizes.ContainsKey(size)) return ApiErrors.BadRequest("size must be o, m or s.");
        if (paths.ReferenceFile(path) is not { } file || !File.Exists(file)) return ApiErrors.Error(404, "No such image.");
        if (size == "o" && !await HasMetadataAsync(file, ct))
            return TypedResults.PhysicalFile(file, "image/jpeg", enableRangeProcessing: false);

        var cached = Path.Combine(paths.DataDirectory, "media-cache", size, path);
        if (File.Exists(cached)) return TypedResults.PhysicalFile(cached, "image/jpeg");

        using var admission = pool.TryAdmit();
        if (admission is null) return InferencePool.Saturated(context.Response);
        using (await admission.WorkerAsync(ct))
        {
            // Another request may have made it while this one waited for the slot.
            if (!File.Exists(cached))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
                var source = await File.ReadAllBytesAsync(file, ct);
                var bytes = size != "o" ? Resize(source, Sizes[size])
                    : ImageFormat.Sniff(source) == ImageKind.Jpeg ? ImageSanitizer.Clean(source)
                    : ImageDecoder.Resize(source, [OriginalLongSide], ImageSanitizer.Quality).Jpegs[0];
                var temp = cached + "." + Guid.NewGuid().ToString("N")[..8];
                await File.WriteAllBytesAsync(temp, bytes, ct);
                File.Move(temp, cached, overwrite: true);
            }
        }
        return TypedResults.PhysicalFile(cached, "image/jpeg");
    }

    private static async Task<bool> HasMetadataAsync(string file, CancellationToken ct)
    {
        var info = new FileInfo(file);
        if (Metadata.TryGetValue(file, out var known) && known.Length == info.Length && known.WrittenUtc == info.LastWriteTimeUtc) return known.HasMetadata;
        var head = await ReadHeadAsync(file, ct);
        // A PNG (floras from GBIF keep what was published) is served as a clean JPEG copy, like a JPEG with metadata.
        var has = ImageFormat.Sniff(head) != ImageKind.Jpeg || JpegMetadata.HasMetadata(head);
        Metadata[file] = (info.Length, info.LastWriteTimeUtc, has);
        return has;
    }

    /// <summary>Upright (EXIF orientation applied), re-encoded: no metadata survives.</summary>
    private static byte[] Resize(byte[] jpeg, int longSide) => ImageDecoder.Resize(jpeg, [longSide]).Jpegs[0];

    /// <summary>The first 64 KB: every header segment before the picture of a reference photo.</summary>
    private static async Task<byte[]> ReadHeadAsync(string file, CancellationToken ct)
    {
        await using var f = File.OpenRead(file);
        var head = new byte[(int)Math.Min(f.Length, 65_536)];
        await f.ReadExactlyAsync(head, ct);
        return head;
    }
}
