using System.Net;
using Florascope.Bundles;
using Florascope.Data.Observations;
using Florascope.Imaging;
using Florascope.Tests.TestSupport;
using Florascope.Web.Identify;
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
        var saved = await store.SaveAsync(TestImages.RedBlueJpeg(1600, 1200), ct: TestContext.Current.CancellationToken);
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

    [Fact]
    public async Task ACacheMissWaitsForTheInferencePoolAndACacheHitDoesNot()
    {
        using var data = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(data.Path, new FakeClock(DateTimeOffset.UnixEpoch.AddYears(56)));
        // A reference photo without metadata: its original is served as it is, resized copies are made once.
        var reference = ModelBundle.Load(RepoPaths.ModelBundle).References.Images.Where(i => i.Label >= 0).Select(i => i.Path)
            .First(p => !JpegMetadata.HasMetadata(File.ReadAllBytes(Path.Combine(RepoPaths.Data, p))));
        var url = "media/" + string.Join('/', reference.Split('/').Select(Uri.EscapeDataString));
        var pool = host.App.Services.GetRequiredService<InferencePool>();

        // Every place of the pool taken (as by identifications): making a resized copy waits for none, it is 503.
        var held = new List<IDisposable>();
        while (pool.TryAdmit() is { } admission) held.Add(admission);
        try
        {
            foreach (var size in new[] { "m", "s" })
            {
                using var busy = await host.Client.GetAsync($"{url}?size={size}", Ct);
                await busy.ErrorAsync(503, "Service Unavailable");
                Assert.Equal("2", busy.Header("Retry-After"));
            }
            Assert.False(Directory.Exists(Path.Combine(data.Path, "media-cache")) &&
                Directory.EnumerateFiles(Path.Combine(data.Path, "media-cache"), "*", SearchOption.AllDirectories).Any());
            // The original has nothing to clean: served without the pool.
            using var original = await host.Client.GetAsync($"{url}?size=o", Ct);
            Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        }
        finally
        {
            foreach (var h in held) h.Dispose();
        }

        // With the pool free the copy is made and cached; then it is served even while the pool is full.
        using (var made = await host.Client.GetAsync($"{url}?size=m", Ct)) Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        held.Clear();
        while (pool.TryAdmit() is { } admission) held.Add(admission);
        try
        {
            using var hit = await host.Client.GetAsync($"{url}?size=m", Ct);
            Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
            using var bitmap = SKBitmap.Decode(await hit.Content.ReadAsByteArrayAsync(Ct));
            Assert.InRange(Math.Max(bitmap.Width, bitmap.Height), 1, 600);
        }
        finally
        {
            foreach (var h in held) h.Dispose();
        }
    }
}
