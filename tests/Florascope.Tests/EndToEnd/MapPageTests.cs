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

    /// <summary>Saves one observation at a place through the API (a dandelion unless told) and returns its id.</summary>
    private static async Task<int> SaveAsync(ObservatoryClient author, double lat, double lon, string folder = "Taraxacum_officinale", string taxon = "Taraxacum officinale")
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return (await author.CreatedAsync(Photos.Plant(folder), [new("taxon", taxon), new("latitude", lat.ToString(inv)), new("longitude", lon.ToString(inv))]))["id"]!.GetValue<int>();
    }

    [Fact]
    public async Task OnAPhoneTheFiltersFoldPopupsShowThePhotoAndLocateMeCentresTheMap()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            using var author = new ObservatoryClient(host.BaseAddress);
            await author.SignedUpAsync("mapper");
            var id = await SaveAsync(author, 48.85, 2.35);
            var photo = (await author.Http.GetJsonAsync($"api/observations/{id}"))["photos"]!.AsArray()[0]!["small"]!.GetValue<string>();

            var page = await PhoneSessions.PageAsync(browser, configure: o =>
            {
                o.Geolocation = new Microsoft.Playwright.Geolocation { Latitude = 45.7640f, Longitude = 4.8357f };
                o.Permissions = ["geolocation"];
            });
            var errors = new List<string>();
            page.PageError += (_, m) => errors.Add(m);
            await page.GotoAsync(new Uri(host.BaseAddress, "/map").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='1']");

            // Folded on a phone: "Filters" to tap (44 px high), the form hidden until then; the date filters labelled.
            Assert.False(await page.EvaluateAsync<bool>("() => document.getElementById('filterbox').open"));
            Assert.True(await page.IsHiddenAsync("#filters"));
            Assert.True((await page.Locator("#filterbox summary").BoundingBoxAsync())!.Height >= 44);
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("map-phone-folded") });
            await page.ClickAsync("#filterbox summary");
            Assert.True(await page.IsVisibleAsync("#filters input[name=taxon]"));
            Assert.Equal("From", await page.InnerTextAsync("label:has(input[name=from]) span"));
            Assert.Equal("To", await page.InnerTextAsync("label:has(input[name=to]) span"));
            await page.ClickAsync("#filterbox summary");

            // The popup: the observation's first photo (small), described, and a link to it.
            await page.ClickAsync(".leaflet-marker-icon");
            await page.WaitForSelectorAsync(".leaflet-popup .popup img");
            Assert.Equal(photo, await page.GetAttributeAsync(".leaflet-popup .popup img", "src"));
            Assert.Contains("size=s", photo, StringComparison.Ordinal);
            Assert.StartsWith("Photo of Taraxacum officinale", await page.GetAttributeAsync(".leaflet-popup .popup img", "alt") ?? "", StringComparison.Ordinal);
            Assert.Equal($"/observations/{id}", await page.GetAttributeAsync(".leaflet-popup .popup a", "href"));
            Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('.leaflet-popup .popup img').complete && document.querySelector('.leaflet-popup .popup img').naturalWidth > 0"));
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("map-popup") });

            // Locate me: the device's position (granted to the page) centres the map there.
            Assert.True((await page.Locator("#locate").BoundingBoxAsync())!.Height >= 44);
            await page.ClickAsync("#locate");
            await page.WaitForSelectorAsync("body[data-located='45.7640,4.8357']");
            await page.WaitForSelectorAsync("body[data-loaded='0']");
            Assert.Contains("0 observations in view", await page.InnerTextAsync("#count"), StringComparison.Ordinal);
            Assert.Empty(errors);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task OfflineTheMapSaysSoAndListsTheObservationsOfTheLastVisit()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            using var author = new ObservatoryClient(host.BaseAddress);
            await author.SignedUpAsync("mapper");
            var sunflower = await SaveAsync(author, 43.6, 1.44, "Helianthus_annuus", "Helianthus annuus");
            var page = await PhoneSessions.PageAsync(browser);
            await page.GotoAsync(new Uri(host.BaseAddress, "/map").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='1']");
            // The page installed the service worker (its shell holds /map, Leaflet and the scripts).
            await page.EvaluateAsync("async () => { await navigator.serviceWorker.ready; }");

            await page.Context.SetOfflineAsync(true);
            await page.ReloadAsync();
            await page.WaitForSelectorAsync("body[data-offline='1']");
            Assert.True(await page.IsVisibleAsync("#offline"));
            Assert.Equal("You are offline: the map needs the network. The observations of your last visit:", await page.InnerTextAsync("#offlinetext"));
            Assert.Equal("Helianthus annuus", await page.InnerTextAsync($"#kept li[data-id='{sunflower}'] a"));
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("map-offline") });

            // A phone that never kept anything: at least the message, never a blank page.
            await page.EvaluateAsync("() => localStorage.removeItem('map.kept')");
            await page.ReloadAsync();
            await page.WaitForSelectorAsync("body[data-offline='0']");
            Assert.Equal("You are offline: the map needs the network.", await page.InnerTextAsync("#offlinetext"));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Theory]
    [InlineData("fr", "Filtres", "Me localiser", "ltr")]
    [InlineData("ar", "عوامل التصفية", "حدِّد موقعي", "rtl")]
    public async Task TheMapAndHelpPagesSpeakThePagesLanguage(string lang, string filters, string locate, string dir)
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var temp = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(temp.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            using var author = new ObservatoryClient(host.BaseAddress);
            await author.SignedUpAsync("mapper");
            // "I don't know": the model names it, so it waits for names in "Help identify".
            await SaveAsync(author, 48.85, 2.35, taxon: "");
            using var player = new ObservatoryClient(host.BaseAddress);
            await player.SignedUpAsync("player");
            var page = await PhoneSessions.PageAsync(browser, player, host.BaseAddress);
            await page.Context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "lang", Value = lang, Domain = host.BaseAddress.Host, Path = "/" }]);

            await page.GotoAsync(new Uri(host.BaseAddress, "/map").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='1']");
            Assert.Equal(dir, await page.GetAttributeAsync("html", "dir"));
            Assert.Equal(filters, await page.InnerTextAsync("#filterbox summary"));
            Assert.Equal(locate, await page.InnerTextAsync("#locate"));
            Assert.DoesNotContain("observations in view", await page.InnerTextAsync("#count"), StringComparison.Ordinal);
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath($"map-{lang}") });

            await page.GotoAsync(new Uri(host.BaseAddress, "/help").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='true']");
            var suggestion = await page.InnerTextAsync("#suggestion");
            Assert.Contains("Taraxacum officinale", suggestion, StringComparison.Ordinal);
            Assert.DoesNotContain("The model suggests", suggestion, StringComparison.Ordinal);
            Assert.DoesNotContain("Nobody", suggestion, StringComparison.Ordinal);
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath($"help-{lang}"), FullPage = true });
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
