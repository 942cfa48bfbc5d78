using Florascope.Imaging;
using Florascope.Tests.TestSupport;
using SkiaSharp;

namespace Florascope.Tests.Imaging;

public sealed class ImageDecoderTests
{
    private const int S = PreparedImage.Size;

    // ---- bad input: always an ImageInputException with the right problem, never anything else ----

    private static ImageInputException Refused(byte[] data, ImageProblem expected)
    {
        var e = Assert.Throws<ImageInputException>(() => ImageDecoder.Prepare(data));
        Assert.Equal(expected, e.Problem);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void EmptyFileIsRefused()
    {
        var e = Refused([], ImageProblem.Empty);
        Assert.Contains("empty", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TextFileIsNotAnImage()
    {
        var e = Refused(TestImages.TextFile(), ImageProblem.NotAnImage);
        Assert.Contains("JPEG or PNG", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedJpegIsCorrupt()
    {
        var full = TestImages.Jpeg(640, 480, SKColors.DarkGreen,
            (new SKRect(100, 100, 500, 400), SKColors.Yellow), (new SKRect(0, 300, 640, 480), SKColors.SaddleBrown));
        var half = full[..(full.Length / 2)];
        var e = Refused(half, ImageProblem.Corrupt);
        Assert.Contains("JPEG", e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void JpegCutInsideItsHeaderIsCorrupt()
    {
        var full = TestImages.Jpeg(640, 480, SKColors.DarkGreen);
        Refused(full[..40], ImageProblem.Corrupt);
    }

    [Fact]
    public void Crc32HelperMatchesPng()
    {
        // Every PNG ends with IEND and this CRC: proves the hand-built headers below are well formed.
        Assert.Equal(0xAE426082u, TestImages.Crc32("IEND"u8));
        Assert.Equal(0xCBF43926u, TestImages.Crc32("123456789"u8));
    }

    [Fact]
    public void HandBuiltPngHeaderIsReadAsHuge()
    {
        // The test file itself is sound: Skia reads its header as 100000x100000 (a wrong CRC it refuses).
        using (var data = SKData.CreateCopy(TestImages.PngWithHeader(100_000, 100_000)))
        using (var codec = SKCodec.Create(data))
        {
            Assert.NotNull(codec);
            Assert.Equal(new SKSizeI(100_000, 100_000), codec.Info.Size);
        }
        using (var data = SKData.CreateCopy(TestImages.PngWithHeader(100_000, 100_000, correctCrc: false)))
            Assert.Null(SKCodec.Create(data));
    }

    [Fact]
    public void HugePngHeaderIsRefusedBeforeAllocating()
    {
        // 100000 x 100000 x 4 bytes would be 40 GB: the size must be refused from the header.
        var e = Refused(TestImages.PngWithHeader(100_000, 100_000), ImageProblem.TooLarge);
        Assert.Contains("100000x100000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HugePngHeaderNeverAllocatesThePixels()
    {
        // Whatever the reason given, the answer must be an ImageInputException, not 40 GB of pixels
        // (only managed allocations are counted; the TooLarge test checks the header is what refuses it).
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ImageInputException>(() => ImageDecoder.Prepare(TestImages.PngWithHeader(100_000, 100_000)));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024 * 1024);
    }

    /// <summary>A real baseline JPEG whose frame header is rewritten as progressive (SOF2) of the given size.</summary>
    private static byte[] ProgressiveHeader(int width, int height)
    {
        var jpeg = TestImages.RedBlueJpeg(64, 48);
        var sof = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        Assert.True(sof > 0);
        jpeg[sof + 1] = 0xC2;
        (jpeg[sof + 5], jpeg[sof + 6], jpeg[sof + 7], jpeg[sof + 8]) = ((byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width);
        return jpeg;
    }

    [Fact]
    public void LargeProgressiveJpegsAreRefusedFromTheirHeader()
    {
        Assert.False(JpegMetadata.IsProgressive(TestImages.RedBlueJpeg(64, 48)));
        Assert.True(JpegMetadata.IsProgressive(ProgressiveHeader(64, 48)));
        // 6000 x 6000 = 36 Mpixels: libjpeg would hold ~115 MB of coefficients even to decode it at 1/8.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Refused(ProgressiveHeader(6000, 6000), ImageProblem.TooLarge);
        Assert.Contains("progressive", e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024 * 1024);
    }

    [Fact]
    public void PngWithWrongHeaderCrcIsRefused()
    {
        var e = Assert.Throws<ImageInputException>(() => ImageDecoder.Prepare(TestImages.PngWithHeader(100_000, 100_000, correctCrc: false)));
        Assert.NotEqual(ImageProblem.Empty, e.Problem);
    }

    [Fact]
    public void GifIsAnUnsupportedFormat()
    {
        var gif = TestImages.Gif1x1();
        // The bytes are a real GIF (Skia reads it), so the refusal is about the format, not corruption.
        using (var bitmap = SKBitmap.Decode(gif)) Assert.Equal(1, bitmap.Width);
        var e = Refused(gif, ImageProblem.UnsupportedFormat);
        Assert.Contains("GIF", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WebPIsAnUnsupportedFormat()
    {
        var webp = TestImages.WebP();
        Assert.Equal(ImageKind.WebP, ImageFormat.Sniff(webp));
        var e = Refused(webp, ImageProblem.UnsupportedFormat);
        Assert.Contains("WEBP", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileOverTheByteLimitIsTooLarge()
    {
        var jpeg = TestImages.Jpeg(64, 64, SKColors.Green);
        var e = Assert.Throws<ImageInputException>(() => ImageDecoder.Prepare(jpeg, new DecodeLimits { MaxBytes = jpeg.Length - 1 }));
        Assert.Equal(ImageProblem.TooLarge, e.Problem);
    }

    [Fact]
    public void PictureOverThePixelLimitIsTooLarge()
    {
        var jpeg = TestImages.Jpeg(640, 480, SKColors.Green);
        var e = Assert.Throws<ImageInputException>(() => ImageDecoder.Prepare(jpeg, new DecodeLimits { MaxPixels = 640 * 480 - 1 }));
        Assert.Equal(ImageProblem.TooLarge, e.Problem);
        Assert.Contains("640x480", e.Message, StringComparison.Ordinal);
    }

    // ---- formats ----

    [Fact]
    public void PngSignatureIsRecognised()
    {
        Assert.Equal(ImageKind.Png, ImageFormat.Sniff(TestImages.Encode(8, 8, SKEncodedImageFormat.Png, SKColors.Red)));
    }

    [Fact]
    public void SniffRecognisesOtherFormatsByTheirFirstBytes()
    {
        Assert.Equal(ImageKind.Jpeg, ImageFormat.Sniff(TestImages.Jpeg(8, 8, SKColors.Red)));
        Assert.Equal(ImageKind.Gif, ImageFormat.Sniff(TestImages.Gif1x1()));
        Assert.Equal(ImageKind.Tiff, ImageFormat.Sniff("MM\0*\0\0\0\b"u8));
        Assert.Equal(ImageKind.Unknown, ImageFormat.Sniff(TestImages.TextFile()));
        Assert.Equal(ImageKind.Unknown, ImageFormat.Sniff([]));
    }

    // ---- good input ----

    [Fact]
    public void LargeJpegBecomesTheCentreSquareAt224()
    {
        // 4000x3000: the centre square spans x = 500..3500, so a red band at x < 400 must be cropped away,
        // while the yellow disc-like block in the middle must survive.
        var jpeg = TestImages.Jpeg(4000, 3000, SKColors.Green,
            (new SKRect(0, 0, 400, 3000), SKColors.Red),
            (new SKRect(1700, 1200, 2300, 1800), SKColors.Yellow));
        var image = ImageDecoder.Prepare(jpeg);

        Assert.Equal(ImageKind.Jpeg, image.Kind);
        Assert.Equal(4000, image.OriginalWidth);
        Assert.Equal(3000, image.OriginalHeight);
        Assert.Equal(S * S * 4, image.Rgba.Length);
        AssertColour(image, 0, S / 2, SKColors.Green);
        AssertColour(image, S - 1, S / 2, SKColors.Green);
        AssertColour(image, S / 2, S / 2, SKColors.Yellow);
        for (var y = 0; y < S; y += 7) Assert.Equal(255, image.Rgba[(y * S) * 4 + 3]);
    }

    [Fact]
    public void SmallJpegIsScaledUp()
    {
        var image = ImageDecoder.Prepare(TestImages.Jpeg(100, 80, SKColors.Blue));
        Assert.Equal(100, image.OriginalWidth);
        AssertColour(image, 0, 0, SKColors.Blue);
        AssertColour(image, S - 1, S - 1, SKColors.Blue);
    }

    [Fact]
    public void PngDecodes()
    {
        var png = TestImages.Encode(300, 300, SKEncodedImageFormat.Png, SKColors.Blue, (new SKRect(0, 0, 150, 300), SKColors.Red));
        var image = ImageDecoder.Prepare(png);
        Assert.Equal(ImageKind.Png, image.Kind);
        Assert.Equal(300, image.OriginalWidth);
        AssertColour(image, 20, S / 2, SKColors.Red);
        AssertColour(image, S - 20, S / 2, SKColors.Blue);
    }

    [Fact]
    public void RealPhotoDecodes()
    {
        var path = RepoPaths.ValPhotosOf("Rosa")[0];
        var image = ImageDecoder.Prepare(File.ReadAllBytes(path));
        Assert.Equal(ImageKind.Jpeg, image.Kind);
        Assert.True(image.OriginalWidth > 0 && image.OriginalHeight > 0);
        // A photo is not one flat colour.
        Assert.True(image.Rgba.Where((_, i) => i % 4 == 0).Distinct().Count() > 20);
    }

    // ---- EXIF orientation ----

    [Fact]
    public void WithoutExifTheImageIsKeptAsStored()
    {
        var image = ImageDecoder.Prepare(TestImages.RedBlueJpeg());
        AssertColour(image, 20, S / 2, SKColors.Red);
        AssertColour(image, S - 20, S / 2, SKColors.Blue);
    }

    [Fact]
    public void Orientation6IsRotatedClockwise()
    {
        // Stored 400x300, red left / blue right; displayed after 90 degrees clockwise: 300x400, red on top.
        var image = ImageDecoder.Prepare(TestImages.WithExifOrientation(TestImages.RedBlueJpeg(), 6));
        Assert.Equal(400, image.OriginalWidth); // stored size, as the file header says
        AssertColour(image, S / 2, 20, SKColors.Red);
        AssertColour(image, S / 2, S - 20, SKColors.Blue);
        AssertColour(image, 5, 20, SKColors.Red);
        AssertColour(image, S - 5, S - 20, SKColors.Blue);
    }

    [Fact]
    public void Orientation3IsTurnedUpsideDown()
    {
        var image = ImageDecoder.Prepare(TestImages.WithExifOrientation(TestImages.RedBlueJpeg(), 3));
        AssertColour(image, 20, S / 2, SKColors.Blue);
        AssertColour(image, S - 20, S / 2, SKColors.Red);
    }

    [Fact]
    public void Orientation8IsRotatedCounterClockwise()
    {
        var image = ImageDecoder.Prepare(TestImages.WithExifOrientation(TestImages.RedBlueJpeg(), 8));
        AssertColour(image, S / 2, 20, SKColors.Blue);
        AssertColour(image, S / 2, S - 20, SKColors.Red);
    }

    /// <summary>
    /// Where each stored quadrant (TL red, TR lime, BL blue, BR white) must appear once upright, per the
    /// EXIF 2.3 definitions (e.g. 5: row 0 is the visual left, column 0 the visual top = transpose).
    /// </summary>
    public static TheoryData<ushort, string[]> Orientations => new()
    {
        // upright quadrants, in the order top-left, top-right, bottom-left, bottom-right
        { 1, ["red", "lime", "blue", "white"] },
        { 2, ["lime", "red", "white", "blue"] },   // mirrored left-right
        { 3, ["white", "blue", "lime", "red"] },   // 180 degrees
        { 4, ["blue", "white", "red", "lime"] },   // mirrored top-bottom
        { 6, ["blue", "red", "white", "lime"] },   // 90 degrees clockwise
        { 8, ["lime", "white", "red", "blue"] },   // 90 degrees counter-clockwise
    };

    [Theory]
    [MemberData(nameof(Orientations))]
    public void EveryOrientationIsMadeUpright(ushort orientation, string[] expected) =>
        AssertQuadrants(orientation, expected);

    [Fact]
    public void Orientation5IsTransposed() => AssertQuadrants(5, ["red", "blue", "lime", "white"]);

    [Fact]
    public void Orientation7IsTransversed() => AssertQuadrants(7, ["white", "lime", "blue", "red"]);

    private static void AssertQuadrants(ushort orientation, string[] expected)
    {
        var image = ImageDecoder.Prepare(TestImages.WithExifOrientation(TestImages.QuadrantJpeg(), orientation));
        const int a = S / 4, b = 3 * S / 4;
        string[] seen = [Name(image, a, a), Name(image, b, a), Name(image, a, b), Name(image, b, b)];
        Assert.Equal(expected, seen);
    }

    private static readonly (string Name, SKColor Colour)[] Palette =
        [("red", SKColors.Red), ("lime", SKColors.Lime), ("blue", SKColors.Blue), ("white", SKColors.White)];

    /// <summary>Nearest palette colour: JPEG shifts colours a little, never across the palette.</summary>
    private static string Name(PreparedImage image, int x, int y)
    {
        var p = Pixel(image, x, y);
        return Palette.MinBy(c => Distance(p, c.Colour)).Name;
    }

    private static SKColor Pixel(PreparedImage image, int x, int y)
    {
        var i = (y * S + x) * 4; // RGBA
        return new SKColor(image.Rgba[i], image.Rgba[i + 1], image.Rgba[i + 2], image.Rgba[i + 3]);
    }

    private static int Distance(SKColor a, SKColor b) =>
        Math.Abs(a.Red - b.Red) + Math.Abs(a.Green - b.Green) + Math.Abs(a.Blue - b.Blue);

    private static void AssertColour(PreparedImage image, int x, int y, SKColor expected)
    {
        var p = Pixel(image, x, y);
        Assert.True(Distance(p, expected) < 60, $"pixel ({x},{y}) is {p}, expected about {expected}");
    }
}
