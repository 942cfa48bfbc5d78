using Florascope.Tests.TestSupport;

namespace Florascope.Tests.EndToEnd;

/// <summary>The observatory's pages in headless Chromium at phone size; user text shows as text, never as markup.</summary>
[Trait("Category", "Slow")]
public sealed class PagesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PagesShowObservationsTaxaAndUsersAndEscapeUserText()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            const string hostile = "<img src=x onerror=\"document.body.dataset.pwned=1\"><script>document.body.dataset.pwned=1</script>";
            using var author = new ObservatoryClient(host.BaseAddress);
            Assert.True((await author.SignUpAsync("pagetester", "pages@example.org")).IsSuccessStatusCode);
            using var form = new MultipartFormDataContent();
            var photo = Photos.Plant("Ginkgo_biloba");
            form.Add(new ByteArrayContent(photo.Data), "photos", photo.FileName);
            form.Add(new StringContent("leaf"), "organs");
            form.Add(new StringContent("45.76"), "latitude");
            form.Add(new StringContent("4.84"), "longitude");
            form.Add(new StringContent("ginkgo_biloba"), "taxon");
            form.Add(new StringContent(hostile), "notes");
            var (field, _, token) = await author.AntiforgeryAsync();
            form.Add(new StringContent(token), field);
            var created = await author.Http.PostAsync("/api/observations", form, Ct);
            Assert.True(created.IsSuccessStatusCode);
            var id = System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!["id"]!.GetValue<int>();

            var page = await Browser.PhonePageAsync(browser);
            async Task Open(string path, string shot)
            {
                await page.GotoAsync(new Uri(host.BaseAddress, path).ToString());
                await page.WaitForSelectorAsync("body[data-loaded]");
                await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath(shot), FullPage = true });
            }

            await Open($"/observations/{id}", "observation-phone");
            Assert.Equal("Ginkgo biloba", await page.InnerTextAsync("h1"));
            Assert.Contains(hostile, await page.InnerTextAsync("#facts"), StringComparison.Ordinal);
            Assert.Null(await page.GetAttributeAsync("body", "data-pwned"));
            Assert.Equal(0, await page.Locator("#facts img, #facts script").CountAsync());

            await Open("/taxa/Ginkgo%20biloba", "taxon-phone");
            Assert.Contains("Ginkgoaceae", await page.InnerTextAsync("#facts"), StringComparison.Ordinal);
            Assert.Contains("ginkgo", (await page.InnerTextAsync("#names")).ToLowerInvariant(), StringComparison.Ordinal);
            Assert.Equal(1, await page.Locator("#list li").CountAsync());

            await Open("/observations", "latest-phone");
            Assert.Contains("Ginkgo biloba", await page.InnerTextAsync("#list"), StringComparison.Ordinal);

            await Open($"/users/{author.UserId}", "user-phone");
            Assert.Contains("pagetester", await page.InnerTextAsync("h1"), StringComparison.Ordinal);

            await page.GotoAsync(new Uri(host.BaseAddress, "/search").ToString());
            await page.FillAsync("#q", "dandel");
            await page.WaitForFunctionAsync("() => document.querySelectorAll('#list li').length === 1");
            Assert.Contains("Taraxacum officinale", await page.InnerTextAsync("#list"), StringComparison.Ordinal);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
