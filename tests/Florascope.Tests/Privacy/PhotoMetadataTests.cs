using Florascope.Data.Observations;
using Florascope.Imaging;
using Florascope.Tests.TestSupport;
using SkiaSharp;

namespace Florascope.Tests.Privacy;

/// <summary>Served images carry no EXIF/XMP: stripping, re-encoding upright, and the pass over stored files.</summary>
public sealed class PhotoMetadataTests
{
    private static byte[] GpsJpeg() =>
        TestImages.WithExifGps(TestImages.RedBlueJpeg(), 45.123456, 6.654321, new DateTime(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void ExifIsFoundAndStrippedLosslessly()
    {
        var plain = TestImages.RedBlueJpeg();
        var tagged = GpsJpeg();
        Assert.False(JpegMetadata.HasMetadata(plain));
        Assert.True(JpegMetadata.HasMetadata(tagged));
        var stripped = JpegMetadata.Strip(tagged);
        Assert.False(JpegMetadata.HasMetadata(stripped));
        Assert.Equal(plain, stripped);
        Assert.Equal(plain, JpegMetadata.Strip(plain));
        // Not a JPEG: nothing found, nothing changed.
        Assert.False(JpegMetadata.HasMetadata(TestImages.PngWithHeader(4, 4)));
    }

    [Fact]
    public void XmpCountsAsMetadata()
    {
        var plain = TestImages.RedBlueJpeg();
        byte[] xmp = [.. "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>"u8];
        byte[] tagged = [0xFF, 0xD8, 0xFF, 0xE1, (byte)((xmp.Length + 2) >> 8), (byte)(xmp.Length + 2), .. xmp, .. plain.AsSpan(2)];
        Assert.True(JpegMetadata.HasMetadata(tagged));
        // A header read in part still shows the segment.
        Assert.True(JpegMetadata.HasMetadata(tagged.AsSpan(0, 10)));
        Assert.Equal(plain, JpegMetadata.Strip(tagged));
    }

    [Fact]
    public void ARotatedPhotoIsReEncodedUpright()
    {
        // 400x300 stored, orientation 6 (turn 90 degrees clockwise to view): 300x400 upright.
        var rotated = TestImages.WithExifOrientation(TestImages.RedBlueJpeg(400, 300), 6);
        var clean = ImageSanitizer.Clean(rotated);
        Assert.False(JpegMetadata.HasMetadata(clean));
        using var bitmap = SKBitmap.Decode(clean);
        Assert.Equal((300, 400), (bitmap.Width, bitmap.Height));
        var upright = TestImages.RedBlueJpeg();
        Assert.Same(upright, ImageSanitizer.Clean(upright));
    }

    [Fact]
    public async Task PublicSizesOfAStoredPhotoHaveNoMetadata()
    {
        using var dir = new TempDirectory();
        var store = new PhotoStore(dir.Path);
        var saved = await store.SaveAsync(GpsJpeg(), ct: TestContext.Current.CancellationToken);
        Assert.True(JpegMetadata.HasMetadata(File.ReadAllBytes(store.PathOf(saved.Sha256, PhotoSize.Original))));
        Assert.False(JpegMetadata.HasMetadata(File.ReadAllBytes(store.PathOf(saved.Sha256, PhotoSize.Medium))));
        Assert.False(JpegMetadata.HasMetadata(File.ReadAllBytes(store.PathOf(saved.Sha256, PhotoSize.Small))));
    }

    [Fact]
    public async Task StoredPublicFilesCarryingExifAreRewritten()
    {
        using var dir = new TempDirectory();
        var store = new PhotoStore(dir.Path);
        var saved = await store.SaveAsync(TestImages.RedBlueJpeg(1600, 1200), ct: TestContext.Current.CancellationToken);
        var medium = store.PathOf(saved.Sha256, PhotoSize.Medium);
        var small = store.PathOf(saved.Sha256, PhotoSize.Small);
        // Planted as an older version (or a hand copy) could have left them: EXIF with GPS.
        File.WriteAllBytes(medium, TestImages.WithExifGps(File.ReadAllBytes(medium), 45.123456, 6.654321, DateTime.UnixEpoch));
        // An orphan public file (no original): stripped where it lies.
        var orphan = store.PathOf("ab" + new string('c', 62), PhotoSize.Small);
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        File.WriteAllBytes(orphan, GpsJpeg());
        var smallBefore = File.ReadAllBytes(small);

        Assert.Equal(2, await store.CleanPublicFilesAsync(TestContext.Current.CancellationToken));

        Assert.False(JpegMetadata.HasMetadata(File.ReadAllBytes(medium)));
        using (var m = SKBitmap.Decode(File.ReadAllBytes(medium))) Assert.Equal((1280, 960), (m.Width, m.Height));
        Assert.Equal(TestImages.RedBlueJpeg(), File.ReadAllBytes(orphan));
        Assert.Equal(smallBefore, File.ReadAllBytes(small));
        Assert.True(File.Exists(store.PathOf(saved.Sha256, PhotoSize.Original)));
        // A completed pass is not repeated at the next start, and its marker is never collected.
        File.WriteAllBytes(medium, TestImages.WithExifGps(File.ReadAllBytes(medium), 45.123456, 6.654321, DateTime.UnixEpoch));
        Assert.Equal(0, await store.CleanPublicFilesAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await store.CollectGarbageAsync(new HashSet<string> { saved.Sha256, "ab" + new string('c', 62) }, TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.True(File.Exists(Path.Combine(dir.Path, PhotoStore.CleanMarker)));
    }
}
