using System.Globalization;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// The field flow on a phone-sized page: sign up, identify a photo, keep it as an observation whose
/// time and place come from the photo's EXIF, and find it on the map.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ObservationFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignUpIdentifySaveWithTheExifPositionAndFindItOnTheMap()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            var photo = Path.Combine(dir.Path, "dandelion.jpg");
            var taken = new DateTime(2026, 4, 12, 10, 30, 0);
            File.WriteAllBytes(photo, TestImages.WithExifGps(Photos.Plant("Taraxacum_officinale").Data, 43.6109, 3.8772, taken));

            var page = await Browser.PhonePageAsync(browser);
            var leafletRequests = 0;
            page.Request += (_, r) => { if (r.Url.Contains("/lib/leaflet/leaflet.js", StringComparison.Ordinal)) Interlocked.Increment(ref leafletRequests); };
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "fieldbotanist");

            await page.SetInputFilesAsync("#photos", photo);
            await page.WaitForSelectorAsync(".previews li");
            // Leaflet, most of the app's weight, waits until the position map is shown.
            Assert.Equal(0, leafletRequests);
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync("#save:not([hidden])");
            await page.WaitForSelectorAsync("#pick .leaflet-marker-icon");
            Assert.Equal(1, leafletRequests);
            Assert.Equal("43.610900", await page.InputValueAsync("#lat"));
            Assert.Equal("3.877200", await page.InputValueAsync("#lon"));
            Assert.StartsWith("2026-04-12T10:30", await page.InputValueAsync("#when"), StringComparison.Ordinal);
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("save-phone"), FullPage = true });
            await page.ClickAsync("#save button[type=submit]");
            await page.WaitForSelectorAsync("#saved[data-observation]");
            var id = await page.GetAttributeAsync("#saved", "data-observation");

            var observation = JsonNode.Parse(await host.Client.GetStringAsync($"/api/observations/{id}", Ct))!;
            Assert.Equal(43.6109, observation["latitude"]!.GetValue<double>(), 4);
            Assert.Equal(3.8772, observation["longitude"]!.GetValue<double>(), 4);
            var taxon = observation["taxonName"]!.GetValue<string>();

            await page.GotoAsync(new Uri(host.BaseAddress, "/map?taxon=" + Uri.EscapeDataString(taxon)).ToString());
            await page.WaitForSelectorAsync("body[data-loaded='1']");
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("map-after-save") });
            Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"1 observations in view"), await page.InnerTextAsync("#count"));

            // And on its taxon's page.
            await page.GotoAsync(new Uri(host.BaseAddress, "/taxa/" + Uri.EscapeDataString(taxon)).ToString());
            await page.WaitForSelectorAsync("body[data-loaded='1']");
            Assert.Contains(taxon, await page.InnerTextAsync("#list"), StringComparison.Ordinal);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task APickOnTheMapSetsThePositionOfAPhotoWithoutGps()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            var photo = Path.Combine(dir.Path, "nogps.jpg");
            File.WriteAllBytes(photo, Photos.Plant("Zea_mays").Data);
            var page = await Browser.PhonePageAsync(browser);
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "picker");
            await page.SetInputFilesAsync("#photos", photo);
            await page.WaitForSelectorAsync(".previews li");
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync("#save:not([hidden])");
            Assert.Equal("", await page.InputValueAsync("#lat"));

            // The picking map opens on Western Europe (46 N, 2 E): a tap in its middle lands near there.
            await page.ClickAsync("#pick");
            var lat = double.Parse(await page.InputValueAsync("#lat"), CultureInfo.InvariantCulture);
            var lon = double.Parse(await page.InputValueAsync("#lon"), CultureInfo.InvariantCulture);
            Assert.InRange(lat, 40, 52);
            Assert.InRange(lon, -5, 9);
            Assert.NotEqual("", await page.InputValueAsync("#acc"));
            await page.WaitForSelectorAsync("#pick .leaflet-marker-icon");
            Assert.Equal(1, await page.Locator("#pick .leaflet-marker-icon").CountAsync());
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
