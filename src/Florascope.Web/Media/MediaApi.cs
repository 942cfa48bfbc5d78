using Florascope.Identification;
using Florascope.Web.Hosting;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Florascope.Web.Media;

/// <summary>
/// Serves the reference photos named in identification results, as the original (o) or resized
/// to 600 px (m) or 160 px (s) on the long side. Only photos of the model's reference index are
/// served, so no path outside it can be asked for. Resized copies are cached on disk.
/// </summary>
public static class MediaApi
{
    private static readonly Dictionary<string, int> Sizes = new() { ["m"] = 600, ["s"] = 160 };

    public static IEndpointConventionBuilder MapMediaApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/media/{**path}", Get).WithTags("Media").WithSummary("A reference photo: size o (original), m (600 px) or s (160 px).");

    public static async Task<IResult> Get(string path, string? size, IdentificationEngine engine, IOptions<FlorascopeOptions> options,
        ServerPaths paths, CancellationToken ct)
    {
        size = string.IsNullOrEmpty(size) ? "o" : size;
        if (size != "o" && !Sizes.ContainsKey(size)) return ApiErrors.BadRequest("size must be o, m or s.");
        if (!paths.IsReference(path)) return ApiErrors.Error(404, "No such image.");
        var file = Path.Combine(paths.ImageDirectory, path);
        if (!File.Exists(file)) return ApiErrors.Error(404, "No such image.");
        if (size == "o") return TypedResults.PhysicalFile(file, "image/jpeg", enableRangeProcessing: false);

        var cached = Path.Combine(paths.DataDirectory, "media-cache", size, path);
        if (!File.Exists(cached))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
            var bytes = Resize(await File.ReadAllBytesAsync(file, ct), Sizes[size]);
            var temp = cached + "." + Guid.NewGuid().ToString("N")[..8];
            await File.WriteAllBytesAsync(temp, bytes, ct);
            File.Move(temp, cached, overwrite: true);
        }
        return TypedResults.PhysicalFile(cached, "image/jpeg");
    }

    private static byte[] Resize(byte[] jpeg, int longSide)
    {
        using var src = SKBitmap.Decode(jpeg) ?? throw new InvalidDataException("Unreadable reference image.");
        var scale = Math.Min(1f, (float)longSide / Math.Max(src.Width, src.Height));
        using var resized = src.Resize(new SKImageInfo(Math.Max(1, (int)(src.Width * scale)), Math.Max(1, (int)(src.Height * scale))),
            new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        using var image = SKImage.FromBitmap(resized);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }
}
