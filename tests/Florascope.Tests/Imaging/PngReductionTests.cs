using Florascope.Imaging;
using Florascope.Tests.TestSupport;
using SkiaSharp;

namespace Florascope.Tests.Imaging;

/// <summary>
/// Large PNGs are read row by row and reduced as they arrive (no reduced decode exists for PNG):
/// a decompression bomb decodes to the right sizes, and every PNG variant still reads right.
/// </summary>
public sealed class PngReductionTests
{
    private const int S = PreparedImage.Size;
    private static readonly (byte, byte, byte) Red = (255, 0, 0), Blue = (0, 0, 255), Green = (0, 128, 0), Yellow = (255, 255, 0);

    // ---- the reduction itself ----

    [Fact]
    public void BoxReductionAveragesBlocksAndKeepsPartialEdges()
    {
        // 3x3 picture, factor 2: output 2x2; the right column and bottom row are blocks of their own.
        byte[] Row(params byte[] reds) => [.. reds.SelectMany(r => new byte[] { r, 0, 0, 255 })];
        var box = new BoxReduction(3, 2);
        var output = new byte[2 * 2 * 4];
        box.Add(Row(10, 20, 90));
        box.Add(Row(30, 40, 50));
        Assert.Equal(2, box.Rows);
        box.Flush(output.AsSpan(0, 8));
        box.Add(Row(100, 0, 7));
        box.Flush(output.AsSpan(8, 8));
        Assert.Equal(0, box.Rows);
        Assert.Equal([25, 70, 50, 7], new[] { output[0], output[4], output[8], output[12] });
        Assert.All(new[] { output[3], output[7], output[11], output[15] }, a => Assert.Equal(255, a));
    }

    [Fact]
    public void FactorIsTheLargestThatStillCovers()
    {
        Assert.Equal(49, BoxReduction.Factor(10950, 10950, (w, h) => Math.Min(w, h) >= S));
        Assert.Equal(8, BoxReduction.Factor(10950, 10950, (w, h) => Math.Max(w, h) >= 1280));
        Assert.Equal(1, BoxReduction.Factor(300, 200, (w, h) => Math.Min(w, h) >= S));
        Assert.Equal(2, BoxReduction.Factor(1001, 601, (w, h) => Math.Min(w, h) >= S));
    }

    // ---- the decompression bomb ----

    [Fact]
    public void HugeBlackPngPreparesTo224()
    {
        var png = PngFiles.Black(10950, 10950);
        Assert.InRange(png.Length, 100_000, 400_000);
        var image = ImageDecoder.Prepare(png);
        Assert.Equal(ImageKind.Png, image.Kind);
        Assert.Equal((10950, 10950), (image.OriginalWidth, image.OriginalHeight));
        Assert.Equal(S * S * 4, image.Rgba.Length);
        for (var i = 0; i < image.Rgba.Length; i += 4 * 997)
            Assert.Equal([0, 0, 0, 255], image.Rgba.AsSpan(i, 4).ToArray());
    }

    [Fact]
    public void HugeBlackPngResizesTo1280And320()
    {
        var resized = ImageDecoder.Resize(PngFiles.Black(10950, 10950), [1280, 320]);
        Assert.Equal((ImageKind.Png, 10950, 10950), (resized.Kind, resized.Width, resized.Height));
        Assert.Equal((1280, 1280), Size(resized.Jpegs[0]));
        Assert.Equal((320, 320), Size(resized.Jpegs[1]));
    }

    [Fact]
    public void HugeInterlacedPngIsRefusedClearly()
    {
        var e = Assert.Throws<ImageInputException>(() => ImageDecoder.Prepare(PngFiles.Black(5000, 5000, interlaced: true)));
        Assert.Equal(ImageProblem.TooLarge, e.Problem);
        Assert.Contains("interlaced", e.Message, StringComparison.Ordinal);
        Assert.Contains("5000x5000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedLargePngIsCorrupt()
    {
        var png = PngFiles.Rgb(2000, 1500, (x, y) => ((byte)x, (byte)y, (byte)(x ^ y)));
        var e = Assert.Throws<ImageInputException>(() => ImageDecoder.Prepare(png[..(png.Length / 2)]));
        Assert.Equal(ImageProblem.Corrupt, e.Problem);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DamagedLargePngsAreRefusedOrDecodedNeverCrash()
    {
        // 400 copies of a reduced-path PNG (palette, so indices can point outside it), each with a few
        // bytes changed after the header: every one decodes or is refused as a bad image, nothing else.
        var png = PngFiles.Palette(700, 500, [Green, Yellow, Red], (x, y) => (byte)((x / 50 + y / 50) % 3));
        var random = new Random(9);
        var refused = 0;
        for (var i = 0; i < 400; i++)
        {
            var damaged = png.ToArray();
            for (var k = 0; k < 1 + i % 4; k++) damaged[random.Next(33, damaged.Length)] = (byte)random.Next(256);
            if (i % 10 == 0) damaged = damaged[..random.Next(40, damaged.Length)];
            try
            {
                Assert.Equal(S * S * 4, ImageDecoder.Prepare(damaged).Rgba.Length);
            }
            catch (ImageInputException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                refused++;
            }
        }
        Assert.InRange(refused, 1, 400);
    }

    // ---- every PNG variant still reads right, reduced or not ----

    [Fact]
    public void OddSizedPngIsReducedWithItsColours()
    {
        var image = ImageDecoder.Prepare(PngFiles.Rgb(1001, 601, (x, _) => x < 500 ? Red : Blue));
        Assert.Equal((1001, 601), (image.OriginalWidth, image.OriginalHeight));
        AssertColour(image, 20, S / 2, Red);
        AssertColour(image, S - 20, S / 2, Blue);
    }

    [Fact]
    public void OddSizedPngResizesToTheLongSide()
    {
        var resized = ImageDecoder.Resize(PngFiles.Rgb(3001, 1999, (_, y) => y < 1000 ? Green : Yellow), [1280, 320]);
        Assert.Equal((3001, 1999), (resized.Width, resized.Height));
        Assert.Equal((1280, 853), Size(resized.Jpegs[0]));
        Assert.Equal((320, 213), Size(resized.Jpegs[1]));
        using var medium = SKBitmap.Decode(resized.Jpegs[0]);
        Assert.True(Distance(medium.GetPixel(640, 20), Green) < 60, $"{medium.GetPixel(640, 20)}");
        Assert.True(Distance(medium.GetPixel(640, 830), Yellow) < 60, $"{medium.GetPixel(640, 830)}");
    }

    [Fact]
    public void PalettePngIsReduced()
    {
        var image = ImageDecoder.Prepare(PngFiles.Palette(900, 700, [Green, Yellow], (_, y) => y < 350 ? (byte)0 : (byte)1));
        AssertColour(image, S / 2, 20, Green);
        AssertColour(image, S / 2, S - 20, Yellow);
    }

    [Fact]
    public void SixteenBitPngIsReduced()
    {
        var image = ImageDecoder.Prepare(PngFiles.Rgb(700, 500, (x, _) => x < 350 ? Red : Blue, bitDepth: 16));
        AssertColour(image, 20, S / 2, Red);
        AssertColour(image, S - 20, S / 2, Blue);
    }

    [Fact]
    public void TransparentPixelsOfAnRgbaPngAreAveragedByOpacity()
    {
        // Left half opaque red, right half fully transparent (whatever its colour): shown on black.
        var image = ImageDecoder.Prepare(PngFiles.Rgba(800, 600, (x, _) => x < 400 ? ((byte)255, (byte)0, (byte)0, (byte)255) : ((byte)255, (byte)255, (byte)255, (byte)0)));
        AssertColour(image, 20, S / 2, Red);
        AssertColour(image, S - 20, S / 2, (0, 0, 0));
    }

    [Fact]
    public void TwoBitGreyPngIsReduced()
    {
        // Levels 0..3 of 2 bits: 3 is white, 0 black; an odd width, so rows end inside a byte.
        var image = ImageDecoder.Prepare(PngFiles.Grey(901, 600, 2, (x, _) => x < 450 ? 3 : 0));
        AssertColour(image, 20, S / 2, (255, 255, 255));
        AssertColour(image, S - 20, S / 2, (0, 0, 0));
    }

    [Fact]
    public void InterlacedPngUnderTheLimitDecodes()
    {
        var image = ImageDecoder.Prepare(PngFiles.Rgb(641, 480, (_, y) => y < 240 ? Green : Yellow, interlaced: true));
        Assert.Equal((641, 480), (image.OriginalWidth, image.OriginalHeight));
        AssertColour(image, S / 2, 20, Green);
        AssertColour(image, S / 2, S - 20, Yellow);
    }

    private static (int, int) Size(byte[] jpeg)
    {
        using var bitmap = SKBitmap.Decode(jpeg);
        return (bitmap.Width, bitmap.Height);
    }

    private static int Distance(SKColor a, (byte R, byte G, byte B) b) => Math.Abs(a.Red - b.R) + Math.Abs(a.Green - b.G) + Math.Abs(a.Blue - b.B);

    private static void AssertColour(PreparedImage image, int x, int y, (byte R, byte G, byte B) expected)
    {
        var i = (y * S + x) * 4;
        var p = new SKColor(image.Rgba[i], image.Rgba[i + 1], image.Rgba[i + 2], image.Rgba[i + 3]);
        Assert.True(Distance(p, expected) < 40, $"pixel ({x},{y}) is {p}, expected about {expected}");
    }
}
