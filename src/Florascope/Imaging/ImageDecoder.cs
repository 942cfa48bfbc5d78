using SkiaSharp;
using Florascope.Messages;

namespace Florascope.Imaging;

/// <summary>Limits that keep a hostile or huge file from exhausting memory or time.</summary>
public sealed record DecodeLimits
{
    /// <summary>Largest accepted file, in bytes.</summary>
    public long MaxBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>Largest accepted width x height, checked from the header before any pixel is allocated.</summary>
    public long MaxPixels { get; init; } = 120_000_000;

    /// <summary>Largest side in pixels.</summary>
    public int MaxSide { get; init; } = 30_000;

    /// <summary>
    /// Largest interlaced (Adam7) PNG, in pixels: its rows arrive in seven passes, so it cannot be
    /// reduced row by row and is decoded at full size (4 bytes a pixel); beyond this it is refused.
    /// </summary>
    public long MaxInterlacedPixels { get; init; } = 16_000_000;

    /// <summary>
    /// Largest progressive JPEG, in pixels: its decoder holds every DCT coefficient of the picture
    /// (about 3 bytes a pixel in 4:2:0) whatever the output scale. Phones write baseline JPEGs.
    /// </summary>
    public long MaxProgressivePixels { get; init; } = 16_000_000;

    public static DecodeLimits Default { get; } = new();
}

/// <summary>
/// A photo reduced to the square the network sees: 224x224, upright (EXIF orientation applied),
/// the centre of the picture, as RGBA bytes.
/// </summary>
public sealed class PreparedImage
{
    public const int Size = 224;

    internal PreparedImage(byte[] rgba, int originalWidth, int originalHeight, ImageKind kind)
    {
        Rgba = rgba;
        OriginalWidth = originalWidth;
        OriginalHeight = originalHeight;
        Kind = kind;
    }

    public byte[] Rgba { get; }
    public int OriginalWidth { get; }
    public int OriginalHeight { get; }
    public ImageKind Kind { get; }
}

/// <summary>
/// Decodes JPEG and PNG with Skia. JPEGs are decoded directly at 1/2, 1/4 or 1/8 scale (in the
/// DCT, by libjpeg-turbo) to the smallest size still covering the network's input, so a 12 MP
/// phone photo never exists at full size in memory.
/// </summary>
public static class ImageDecoder
{
    public static PreparedImage Prepare(byte[] data, DecodeLimits? limits = null)
    {
        using var decoded = DecodeScaled(data, limits, s => Math.Min(s.Width, s.Height) >= PreparedImage.Size, out var kind, out var size, out var origin);
        return new PreparedImage(CenterSquare(decoded, origin), size.Width, size.Height, kind);
    }

    /// <summary>
    /// A photo decoded once for a survey: upright, at the largest DCT reduction that keeps a window of
    /// <paramref name="smallestTile"/> original pixels at least the network's input, so a 12 MP plot photo is held at
    /// 1/2 scale at most (12 MB). Windows are then cut from it (<see cref="TileSource.Crop"/>).
    /// </summary>
    public static TileSource DecodeForTiles(byte[] data, int smallestTile, DecodeLimits? limits = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(smallestTile, 1);
        var need = (float)PreparedImage.Size / smallestTile;
        SKSizeI full = default;
        using var decoded = DecodeScaled(data, limits, s => (float)Math.Min(s.Width, s.Height) / Math.Min(full.Width, full.Height) >= Math.Min(1f, need),
            out var kind, out var size, out var origin, sizeSeen: sz => full = sz);
        var upright = Upright(decoded, origin);
        var swap = IsSwapped(origin);
        return new TileSource(upright, swap ? size.Height : size.Width, swap ? size.Width : size.Height, kind);
    }

    /// <summary>The width and height of a photo once upright, from its header (no pixel decoded), checked as <see cref="Prepare"/> checks them.</summary>
    public static (int Width, int Height) ReadUprightSize(byte[] data, DecodeLimits? limits = null)
    {
        var size = default(SKSizeI);
        var origin = default(SKEncodedOrigin);
        try
        {
            DecodeScaled(data, limits, _ => true, out _, out size, out origin, sizeSeen: _ => throw new HeaderOnly()).Dispose();
        }
        catch (HeaderOnly)
        {
        }
        return IsSwapped(origin) ? (size.Height, size.Width) : (size.Width, size.Height);
    }

    private sealed class HeaderOnly : Exception;

    /// <summary>A photo's size and format, read and checked like <see cref="Prepare"/> does.</summary>
    public sealed record Resized(ImageKind Kind, int Width, int Height, IReadOnlyList<byte[]> Jpegs);

    /// <summary>
    /// Upright JPEG copies of a photo whose long side is at most each of <paramref name="longSides"/>
    /// (never enlarged), decoded once at the smallest DCT scale that covers the largest of them.
    /// </summary>
    public static Resized Resize(byte[] data, IReadOnlyList<int> longSides, int quality = 85, DecodeLimits? limits = null)
    {
        var largest = longSides.Max();
        using var decoded = DecodeScaled(data, limits, s => Math.Max(s.Width, s.Height) >= largest, out var kind, out var size, out var origin);
        using var upright = Upright(decoded, origin);
        var jpegs = new List<byte[]>();
        foreach (var side in longSides)
        {
            var scale = Math.Min(1f, (float)side / Math.Max(upright.Width, upright.Height));
            var info = new SKImageInfo(Math.Max(1, (int)Math.Round(upright.Width * scale)), Math.Max(1, (int)Math.Round(upright.Height * scale)));
            using var resized = upright.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            using var image = SKImage.FromBitmap(resized);
            using var encoded = image.Encode(SKEncodedImageFormat.Jpeg, quality);
            jpegs.Add(encoded.ToArray());
        }
        var swap = IsSwapped(origin);
        return new Resized(kind, swap ? size.Height : size.Width, swap ? size.Width : size.Height, jpegs);
    }

    /// <summary>
    /// Width and height read from the header of an image file, no pixel decoded (null when the header
    /// cannot be read): lets a caller apply a pixel limit to a file it has not loaded.
    /// </summary>
    public static (int Width, int Height)? ReadSize(string path)
    {
        using var codec = SKCodec.Create(path);
        return codec is null || codec.Info.Width <= 0 || codec.Info.Height <= 0 ? null : (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>
    /// Checks the bytes (format, header, pixel limits) and decodes at the largest DCT reduction
    /// (JPEG: 1/8, 1/4, 1/2) whose dimensions still satisfy <paramref name="enough"/>.
    /// </summary>
    private static SKBitmap DecodeScaled(byte[] data, DecodeLimits? limits, Func<SKSizeI, bool> enough,
        out ImageKind kind, out SKSizeI size, out SKEncodedOrigin origin, Action<SKSizeI>? sizeSeen = null)
    {
        limits ??= DecodeLimits.Default;
        if (data.Length == 0) throw new ImageInputException(ImageProblem.Empty, MessageText.Of("server.image.empty", "The image file is empty."));
        if (data.Length > limits.MaxBytes)
            throw new ImageInputException(ImageProblem.TooLarge, MessageText.Of("server.image.too-many-bytes", "The image file is {bytes} bytes; the limit is {max}.", ("bytes", data.Length), ("max", limits.MaxBytes)));
        kind = ImageFormat.Sniff(data);
        if (kind == ImageKind.Unknown)
            throw new ImageInputException(ImageProblem.NotAnImage, MessageText.Of("server.image.not-an-image", "The file is not an image (neither JPEG nor PNG bytes): send JPEG or PNG."));
        if (kind is not (ImageKind.Jpeg or ImageKind.Png))
            throw new ImageInputException(ImageProblem.UnsupportedFormat, MessageText.Of("server.image.unsupported", "Unsupported image format ({format}): send JPEG or PNG.", ("format", kind.ToString().ToUpperInvariant())));

        using var skData = SKData.CreateCopy(data);
        using var codec = SKCodec.Create(skData)
            ?? throw new ImageInputException(ImageProblem.Corrupt, MessageText.Of("server.image.unreadable-header", "The {format} file is corrupt or truncated: its header cannot be read.", ("format", kind.ToString().ToUpperInvariant())));
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
            throw new ImageInputException(ImageProblem.Corrupt, MessageText.Of("server.image.no-pixels", "The image has no pixels."));
        if (info.Width > limits.MaxSide || info.Height > limits.MaxSide || (long)info.Width * info.Height > limits.MaxPixels)
            throw new ImageInputException(ImageProblem.TooLarge,
                MessageText.Of("server.image.too-many-pixels", "The image is {width}x{height} pixels; the limit is {maxPixels} pixels and {maxSide} per side.", ("width", info.Width), ("height", info.Height), ("maxPixels", limits.MaxPixels), ("maxSide", limits.MaxSide)));

        if (kind == ImageKind.Jpeg && (long)info.Width * info.Height > limits.MaxProgressivePixels && JpegMetadata.IsProgressive(data))
            throw new ImageInputException(ImageProblem.TooLarge,
                MessageText.Of("server.image.progressive", "The JPEG is progressive and {width}x{height} pixels; progressive JPEGs are accepted up to {max} pixels: save it as a baseline JPEG.", ("width", info.Width), ("height", info.Height), ("max", limits.MaxProgressivePixels)));

        size = info.Size;
        origin = codec.EncodedOrigin;
        // The header is checked: a caller may want only the size (it throws), or to judge scales against it.
        sizeSeen?.Invoke(size);
        if (kind == ImageKind.Png)
            return DecodePng(data, codec, limits, enough);

        var dims = info.Size;
        foreach (var s in new[] { 0.125f, 0.25f, 0.5f })
        {
            var d = codec.GetScaledDimensions(s);
            if (enough(d)) { dims = d; break; }
        }
        var decodeInfo = new SKImageInfo(dims.Width, dims.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var decoded = new SKBitmap(decodeInfo);
        var result = codec.GetPixels(decodeInfo, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            decoded.Dispose();
            var format = kind.ToString().ToUpperInvariant();
            throw new ImageInputException(ImageProblem.Corrupt, result == SKCodecResult.IncompleteInput
                ? MessageText.Of("server.image.truncated", "The {format} file is truncated ({result}).", ("format", format), ("result", result.ToString()))
                : MessageText.Of("server.image.corrupt", "The {format} file is corrupt ({result}).", ("format", format), ("result", result.ToString())));
        }
        return decoded;
    }

    /// <summary>
    /// PNG has no reduced decode: a large one is read row by row (<see cref="PngRows"/>) and shrunk
    /// by an integer box filter as the rows arrive (<see cref="BoxReduction"/>), so only two source
    /// rows and the reduced picture are ever in memory, whatever the pixel count. Interlaced files cannot be
    /// read in row order: they are decoded whole, up to <see cref="DecodeLimits.MaxInterlacedPixels"/>.
    /// </summary>
    private static SKBitmap DecodePng(byte[] data, SKCodec codec, DecodeLimits limits, Func<SKSizeI, bool> enough)
    {
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var factor = BoxReduction.Factor(width, height, (w, h) => enough(new SKSizeI(w, h)));
        if (IsInterlacedPng(data))
        {
            if ((long)width * height > limits.MaxInterlacedPixels)
                throw new ImageInputException(ImageProblem.TooLarge,
                    MessageText.Of("server.image.interlaced", "The PNG is interlaced and {width}x{height} pixels; interlaced PNGs are accepted up to {max} pixels: save it without interlacing, or as JPEG.", ("width", width), ("height", height), ("max", limits.MaxInterlacedPixels)));
            factor = 1;
        }
        // Premultiplied, so that averaging weighs colours by their opacity.
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        if (factor == 1)
        {
            var full = new SKBitmap(info);
            var result = codec.GetPixels(info, full.GetPixels());
            if (result == SKCodecResult.Success) return full;
            full.Dispose();
            throw PngFailure(result);
        }

        var (outWidth, outHeight) = (BoxReduction.Reduced(width, factor), BoxReduction.Reduced(height, factor));
        var reduced = new SKBitmap(new SKImageInfo(outWidth, outHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
        try
        {
            using var rows = PngRows.Open(data);
            var row = new byte[width * 4];
            var box = new BoxReduction(width, factor);
            var outPixels = reduced.GetPixelSpan();
            for (var y = 0; y < height; y++)
            {
                rows.ReadRow(row);
                box.Add(row);
                if (box.Rows == factor || y == height - 1)
                    box.Flush(outPixels.Slice(y / factor * outWidth * 4, outWidth * 4));
            }
            return reduced;
        }
        catch
        {
            reduced.Dispose();
            throw;
        }
    }

    private static ImageInputException PngFailure(SKCodecResult result) =>
        new(ImageProblem.Corrupt, $"The PNG file is {(result == SKCodecResult.IncompleteInput ? "truncated" : "corrupt")} ({result}).");

    /// <summary>The interlace byte of the IHDR chunk, which a PNG must start with (signature, length, "IHDR", 13 bytes).</summary>
    private static bool IsInterlacedPng(byte[] data) => data.Length > 28 && data[28] != 0;

    private static bool IsSwapped(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>The picture turned upright per its EXIF orientation.</summary>
    private static SKBitmap Upright(SKBitmap src, SKEncodedOrigin origin)
    {
        var swap = IsSwapped(origin);
        var result = new SKBitmap(new SKImageInfo(swap ? src.Height : src.Width, swap ? src.Width : src.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var canvas = new SKCanvas(result);
        canvas.Translate(result.Width / 2f, result.Height / 2f);
        canvas.Concat(OriginMatrix(origin));
        canvas.Translate(-src.Width / 2f, -src.Height / 2f);
        canvas.DrawBitmap(src, 0, 0);
        return result;
    }

    /// <summary>
    /// Draws the upright centre square of the decoded picture into 224x224, resizing so its short side fits.
    /// </summary>
    private static byte[] CenterSquare(SKBitmap src, SKEncodedOrigin origin)
    {
        var swap = IsSwapped(origin);
        float w = swap ? src.Height : src.Width, h = swap ? src.Width : src.Height;
        var size = PreparedImage.Size;
        var scale = size / Math.Min(w, h);

        var outInfo = new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = new byte[size * size * 4];
        var handle = System.Runtime.InteropServices.GCHandle.Alloc(pixels, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            using var surface = SKSurface.Create(outInfo, handle.AddrOfPinnedObject(), size * 4)
                ?? throw new InvalidOperationException("Cannot create a drawing surface.");
            var canvas = surface.Canvas;
            canvas.Clear(SKColors.Black);
            // Centre the upright picture, scaled, on the square; then undo the stored orientation.
            canvas.Translate(size / 2f, size / 2f);
            canvas.Scale(scale);
            canvas.Concat(OriginMatrix(origin));
            canvas.Translate(-src.Width / 2f, -src.Height / 2f);
            using var image = SKImage.FromBitmap(src);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            canvas.Flush();
        }
        finally
        {
            handle.Free();
        }
        return pixels;
    }

    /// <summary>Maps stored pixel coordinates (centred) to upright ones, per EXIF orientation.</summary>
    private static SKMatrix OriginMatrix(SKEncodedOrigin origin) => origin switch
    {
        SKEncodedOrigin.TopRight => SKMatrix.CreateScale(-1, 1),
        SKEncodedOrigin.BottomRight => SKMatrix.CreateRotationDegrees(180),
        SKEncodedOrigin.BottomLeft => SKMatrix.CreateScale(1, -1),
        // SKMatrix.Concat(a, b) applies b first.
        SKEncodedOrigin.LeftTop => SKMatrix.Concat(SKMatrix.CreateScale(-1, 1), SKMatrix.CreateRotationDegrees(90)),
        SKEncodedOrigin.RightTop => SKMatrix.CreateRotationDegrees(90),
        SKEncodedOrigin.RightBottom => SKMatrix.Concat(SKMatrix.CreateScale(-1, 1), SKMatrix.CreateRotationDegrees(-90)),
        SKEncodedOrigin.LeftBottom => SKMatrix.CreateRotationDegrees(-90),
        _ => SKMatrix.Identity,
    };
}

/// <summary>An upright decoded photo from which survey windows are cut, each as the network's input.</summary>
public sealed class TileSource : IDisposable
{
    private readonly SKBitmap _bitmap;
    // One image for every window: SKImage.FromBitmap copies a mutable bitmap (12 MB at 1/2 scale of 12 MP) and the
    // linear mipmaps were rebuilt for each copy; built once, they are cached (the same pixels come out).
    private readonly SKImage _image;
    private readonly float _scale;

    internal TileSource(SKBitmap bitmap, int width, int height, ImageKind kind)
    {
        _bitmap = bitmap;
        _bitmap.SetImmutable();
        _image = SKImage.FromBitmap(_bitmap);
        Width = width;
        Height = height;
        Kind = kind;
        _scale = (float)bitmap.Width / width;
    }

    /// <summary>The photo's upright size in original pixels (the windows' coordinates).</summary>
    public int Width { get; }

    public int Height { get; }

    public ImageKind Kind { get; }

    /// <summary>The window (left, top, side in original pixels), resampled to the network's input.</summary>
    public PreparedImage Crop(int x, int y, int side)
    {
        var rgba = new byte[PreparedImage.Size * PreparedImage.Size * 4];
        var info = new SKImageInfo(PreparedImage.Size, PreparedImage.Size, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using (var target = new SKBitmap(info))
        using (var canvas = new SKCanvas(target))
        {
            var source = new SKRect(x * _scale, y * _scale, (x + side) * _scale, (y + side) * _scale);
            canvas.DrawImage(_image, source, new SKRect(0, 0, PreparedImage.Size, PreparedImage.Size), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            canvas.Flush();
            target.GetPixelSpan().CopyTo(rgba);
        }
        return new PreparedImage(rgba, side, side, Kind);
    }

    public void Dispose()
    {
        _image.Dispose();
        _bitmap.Dispose();
    }
}
