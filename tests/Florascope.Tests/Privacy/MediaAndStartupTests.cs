using System.Net;
using Florascope.Bundles;
using Florascope.Data.Observations;
using Florascope.Imaging;
using Florascope.Tests.TestSupport;
using Florascope.Web.Observations;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace Florascope.Tests.Privacy;

/// <summary>
/// A server whose reference photo and stored photo were planted with EXIF before it started: /media
/// serves every size without metadata, and the start-up pass rewrites the stored public file.
/// </summary>
[Trait("Category", "Slow")]
public sealed class MediaAndStartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PlantedExifNeverReachesAPublicUrl()
    {
        using var data = new TempDirectory();
        using var images = new TempDirectory();
        // One (landscape) reference photo of the model, copied with an EXIF orientation to apply (6: turn clockwise).
        var reference = ModelBundle.Load(RepoPaths.ModelBundle).References.Images.Where(i => i.Label >= 0).Select(i => i.Path)
            .First(p => SKBitmap.DecodeBounds(Path.Combine(RepoPaths.Data, p)) is { Width: var w, Height: var h } && w > h);
        var source = File.ReadAllBytes(Path.Combine(RepoPaths.Data, reference));
        var tagged = TestImages.WithExifOrientation(source, 6);
        Assert.True(JpegMetadata.HasMetadata(tagged));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(images.Path, reference))!);
        File.WriteAllBytes(Path.Combine(images.Path, reference), tagged);
        // A stored photo whose public medium size carries EXIF, as an older version could have left it.
        var store = new PhotoStore(Path.Combine(data.Path, "photos"));
        var saved = store.Save(TestImages.RedBlueJpeg(1600, 1200));
        var medium = store.PathOf(saved.Sha256, PhotoSize.Medium);
        File.WriteAllBytes(medium, TestImages.WithExifGps(File.ReadAllBytes(medium), 43.617283, 3.876541, DateTime.UnixEpoch));

        await using var host = await FlorascopeHost.StartAsync(data.Path, new FakeClock(DateTimeOffset.UnixEpoch.AddYears(56)),
            new Dictionary<string, string?> { ["Florascope:ImageDirectory"] = images.Path });
        var url = "media/" + string.Join('/', reference.Split('/').Select(Uri.EscapeDataString));
        foreach (var size in new[] { "o", "m", "s" })
        {
            using var response = await host.Client.GetAsync($"{url}?size={size}", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
            Assert.False(JpegMetadata.HasMetadata(bytes), $"size={size} carries EXIF");
            using var bitmap = SKBitmap.Decode(bytes);
            // Orientation applied: the landscape source is served upright, in portrait.
            Assert.True(bitmap.Height > bitmap.Width, $"size={size} is {bitmap.Width}x{bitmap.Height}");
        }

        await host.App.Services.GetRequiredService<PrivacyStartup>().Cleaning.WaitAsync(TimeSpan.FromMinutes(2), Ct);
        Assert.False(JpegMetadata.HasMetadata(File.ReadAllBytes(medium)));
    }
}
