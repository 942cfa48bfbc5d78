using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// In the field without network: the app opened from the service worker's cache after a visit knows the
/// signed-in person, the observation waits in the phone's outbox and is sent when the network returns.
/// </summary>
[Trait("Category", "Slow")]
public sealed class OfflineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnObservationMadeOfflineIsQueuedAndSentWhenBackOnline()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            var photo = Path.Combine(dir.Path, "field.jpg");
            File.WriteAllBytes(photo, TestImages.WithExifGps(Photos.Plant("Ranunculus_acris").Data, 50.85, 4.35, new DateTime(2026, 5, 2, 9, 0, 0)));

            await using var context = await browser.NewContextAsync(new Microsoft.Playwright.BrowserNewContextOptions
            {
                ViewportSize = new Microsoft.Playwright.ViewportSize { Width = 390, Height = 844 }, HasTouch = true, IsMobile = true,
            });
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, m) => errors.Add(m);
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "offline");
            await page.WaitForSelectorAsync("#account:text('Account')");
            // The visit installed the service worker (the app shell cached).
            await page.EvaluateAsync("() => navigator.serviceWorker.ready");

            // Opened again without network: the page from the cache knows who is signed in, and saving goes to the outbox.
            await context.SetOfflineAsync(true);
            await page.ReloadAsync();
            await page.WaitForSelectorAsync("body[data-ready]", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
            Assert.Equal("Account", await page.InnerTextAsync("#account"));
            Assert.Equal("/account", await page.GetAttributeAsync("#account", "href"));
            await page.SetInputFilesAsync("#photos", photo);
            await page.WaitForSelectorAsync(".previews li");
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync("#save:not([hidden])");
            Assert.StartsWith("No network", await page.InnerTextAsync("#status"), StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("#signin-to-keep").CountAsync());
            Assert.Equal("50.850000", await page.InputValueAsync("#lat"));
            await page.ClickAsync("#save button[type=submit]");
            await page.WaitForSelectorAsync("#queue[data-count='1']");
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("offline-queue"), FullPage = true });
            Assert.Empty(JsonNode.Parse(await host.Client.GetStringAsync("/api/observations", Ct))!.AsArray());

            await context.SetOfflineAsync(false);
            await page.WaitForSelectorAsync("#queue[data-count='0']", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
            var list = JsonNode.Parse(await host.Client.GetStringAsync("/api/observations", Ct))!.AsArray();
            Assert.Single(list);
            Assert.Equal(50.85, list[0]!["latitude"]!.GetValue<double>(), 4);
            // Saved as "I don't know": nobody vouches for a taxon, so it is not valid (the model may still name one).
            Assert.NotEqual("valid", list[0]!["status"]!.GetValue<string>());
            Assert.Empty(errors);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
    [Fact]
    public async Task OnASharedPhoneOnePersonsWaitingObservationIsNeverSentUnderAnothersSession()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            var photo = Path.Combine(dir.Path, "field.jpg");
            File.WriteAllBytes(photo, Photos.Plant("Ranunculus_acris").Data);
            await using var context = await browser.NewContextAsync(new Microsoft.Playwright.BrowserNewContextOptions
            {
                ViewportSize = new Microsoft.Playwright.ViewportSize { Width = 390, Height = 844 }, HasTouch = true, IsMobile = true,
            });
            var page = await context.NewPageAsync();
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "first");
            await page.EvaluateAsync("() => navigator.serviceWorker.ready");
            await context.SetOfflineAsync(true);
            await page.ReloadAsync();
            await page.WaitForSelectorAsync("body[data-ready]", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
            await page.SetInputFilesAsync("#photos", photo);
            await page.WaitForSelectorAsync(".previews li");
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync("#save:not([hidden])");
            await page.ClickAsync("#save button[type=submit]");
            await page.WaitForSelectorAsync("#queue[data-count='1']");

            // Someone else takes the phone: the first person's session is gone, another signs in.
            await context.ClearCookiesAsync();
            await context.SetOfflineAsync(false);
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "second");
            // The outbox tries every 5 s: after two tries the first person's observation still waits, unsent.
            await page.WaitForTimeoutAsync(11_000);
            Assert.Empty(JsonNode.Parse(await host.Client.GetStringAsync("/api/observations", Ct))!.AsArray());
            Assert.Equal("1", await page.GetAttributeAsync("#queue", "data-count"));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
