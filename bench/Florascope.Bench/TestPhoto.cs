using SkiaSharp;

namespace Florascope.Bench;

/// <summary>The 12-megapixel test photo, written once as JPEG and as PNG.</summary>
public sealed record TestPhoto(string Source, string JpegPath, byte[] Jpeg, string PngPath, byte[] Png)
{
    public const int Width = 4000;
    public const int Height = 3000;

    /// <summary>
    /// Upscales a real plant photo to 4000x3000 and adds sensor-like noise: a flat or merely
    /// upscaled picture compresses to almost nothing and would make decoding look cheaper than
    /// for a phone photo.
    /// </summary>
    public static TestPhoto Create(string source, string outputDirectory)
    {
        using var original = SKBitmap.Decode(source) ?? throw new InvalidDataException($"Cannot decode {source}.");
        using var big = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(big))
        {
            // Cover the 4:3 frame, centred, as a camera would frame it.
            var scale = Math.Max((float)Width / original.Width, (float)Height / original.Height);
            var w = original.Width * scale;
            var h = original.Height * scale;
            using var image = SKImage.FromBitmap(original);
            canvas.DrawImage(image, new SKRect((Width - w) / 2, (Height - h) / 2, (Width + w) / 2, (Height + h) / 2),
                new SKSamplingOptions(SKCubicResampler.Mitchell));
        }
        AddNoise(big.GetPixelSpan(), new Random(12));

        using var pixels = SKImage.FromBitmap(big);
        var jpeg = Encode(pixels, SKEncodedImageFormat.Jpeg, 90);
        var png = Encode(pixels, SKEncodedImageFormat.Png, 100);
        Directory.CreateDirectory(outputDirectory);
        var jpegPath = Path.Combine(outputDirectory, "photo-12mp.jpg");
        var pngPath = Path.Combine(outputDirectory, "photo-12mp.png");
        File.WriteAllBytes(jpegPath, jpeg);
        File.WriteAllBytes(pngPath, png);
        return new TestPhoto(source, jpegPath, jpeg, pngPath, png);
    }

    private static byte[] Encode(SKImage image, SKEncodedImageFormat format, int quality)
    {
        using var data = image.Encode(format, quality) ?? throw new InvalidOperationException($"Cannot encode {format}.");
        return data.ToArray();
    }

    /// <summary>Mostly luminance noise (up to +-12 levels) with a little colour noise, like a phone sensor.</summary>
    internal static void AddNoise(Span<byte> rgba, Random random)
    {
        var noise = new byte[rgba.Length];
        random.NextBytes(noise);
        for (var p = 0; p < rgba.Length; p += 4)
        {
            var luma = (noise[p] + noise[p + 1] - 255) / 20;
            var chroma = noise[p + 2] % 5 - 2;
            rgba[p] = Clamp(rgba[p] + luma + chroma);
            rgba[p + 1] = Clamp(rgba[p + 1] + luma);
            rgba[p + 2] = Clamp(rgba[p + 2] + luma - chroma);
        }
    }

    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
}
