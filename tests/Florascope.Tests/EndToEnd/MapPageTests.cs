using Florascope.Tests.TestSupport;

namespace Florascope.Tests.EndToEnd;

/// <summary>The map page in a real headless Chromium at phone size: observations saved through the API appear as markers.</summary>
[Trait("Category", "Slow")]
public sealed class MapPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SavedObservationsAppearOnTheMap()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            using var author = new ObservatoryClient(host.BaseAddress);
            Assert.True((await author.SignUpAsync("mapper", "mapper@example.org")).IsSuccessStatusCode);
            foreach (var (lat, lon) in new[] { (48.85, 2.35), (48.86, 2.34) })
            {
                using var form = new MultipartFormDataContent();
                var photo = Photos.Plant("Taraxacum_officinale");
                form.Add(new ByteArrayContent(photo.Data), "photos", photo.FileName);
                form.Add(new StringContent(lat.ToString(System.Globalization.CultureInfo.InvariantCulture)), "latitude");
                form.Add(new StringContent(lon.ToString(System.Globalization.CultureInfo.InvariantCulture)), "longitude");
                form.Add(new StringContent("Taraxacum officinale"), "taxon");
                var (field, _, token) = await author.AntiforgeryAsync();
                form.Add(new StringContent(token), field);
                Assert.True((await author.Http.PostAsync("/api/observations", form, Ct)).IsSuccessStatusCode);
            }

            var page = await Browser.PhonePageAsync(browser);
            await page.GotoAsync(new Uri(host.BaseAddress, "/map?taxon=Taraxacum%20officinale").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='2']");
            Assert.Contains("2 observations in view", await page.InnerTextAsync("#count"), StringComparison.Ordinal);
            // Two close points are drawn as one cluster of 2 at this zoom.
            Assert.True(await page.Locator(".marker-cluster, .leaflet-marker-icon").CountAsync() >= 1);
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("map-phone") });
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
