using System.Collections.Concurrent;
using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// Every page in headless Chromium under the server's Content-Security-Policy: no violation is
/// reported, in the console or as a securitypolicyviolation event. Map tiles are answered locally
/// (nothing leaves the machine), so that img-src is exercised for the tile host.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ContentSecurityPolicyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryPageRunsWithoutAPolicyViolation()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            using var author = new ObservatoryClient(host.BaseAddress);
            Assert.True((await author.SignUpAsync("cspauthor", "csp@example.org")).IsSuccessStatusCode);
            var observation = (await author.CreatedAsync(fields: [new("taxon", "Taraxacum officinale"), new("latitude", "45.76"), new("longitude", "4.84")]))["id"]!.GetValue<int>();

            var violations = new ConcurrentQueue<string>();
            var console = new ConcurrentQueue<string>();
            var elsewhere = new ConcurrentQueue<string>();
            var tiles = 0;
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 360, Height = 740 } });
            // Loopback only: tiles are answered here, anything else off the machine is refused and reported.
            await Browser.KeepRequestsLocalAsync(context, host.BaseAddress, onElsewhere: elsewhere.Enqueue, onTile: () => Interlocked.Increment(ref tiles));
            await context.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => " +
                "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));");
            var page = await context.NewPageAsync();
            page.Console += (_, message) =>
            {
                console.Enqueue($"{page.Url}: {message.Type}: {message.Text}");
                if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Enqueue($"{page.Url}: {message.Text}");
            };
            page.PageError += (_, error) => console.Enqueue($"{page.Url}: page error: {error}");

            await Browser.SignUpInAppAsync(page, host.BaseAddress, "cspvisitor");

            var pages = new (string Path, string Ready)[]
            {
                ("/", "body[data-limits]"),
                ("/app", "body[data-limits]"),
                ("/account", "body[data-i18n]"),
                ("/observations", "body[data-loaded]"),
                ($"/observations/{observation}", "body[data-loaded]"),
                ("/map", ".leaflet-tile-loaded"),
                ("/help", "body[data-loaded]"),
                ("/search", "body[data-i18n]"),
                ("/models", "body[data-loaded]"),
                ("/taxa/Taraxacum%20officinale", "body[data-loaded]"),
                ($"/users/{author.UserId}", "body[data-loaded]"),
                ("/scalar/v1", "text=Health of the service and the model it serves."),
            };
            foreach (var (path, ready) in pages)
            {
                await page.GotoAsync(new Uri(host.BaseAddress, path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
                try
                {
                    await page.WaitForSelectorAsync(ready, new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
                }
                catch (TimeoutException)
                {
                    await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("csp-timeout"), FullPage = true });
                    Assert.Fail($"{path} never showed {ready}. Console:\n{string.Join("\n", console)}\nViolations:\n{string.Join("\n", violations)}");
                }
                foreach (var v in await page.EvaluateAsync<string[]>("() => window.__csp || []")) violations.Enqueue($"{path}: {v}");
            }

            Assert.True(violations.IsEmpty, "Content-Security-Policy violations:\n" + string.Join("\n", violations));
            Assert.True(elsewhere.IsEmpty, "Requests off the machine:\n" + string.Join("\n", elsewhere));
            Assert.True(tiles > 0, "The map loaded no tile.");

            // The app states the server's limits (GET /api/limits), in the page's language.
            await page.GotoAsync(new Uri(host.BaseAddress, "/app").ToString());
            await page.WaitForSelectorAsync("body[data-limits]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
            Assert.Equal("Take or choose 1 to 5 photos of one plant", await page.InnerTextAsync("#photos-label"));
            Assert.Equal("Up to 5 photos, 50 MB in all. Identifications a day: 50 without an account, 500 signed in.", await page.InnerTextAsync("#limits"));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
