using Florascope.Tests.TestSupport;

namespace Florascope.Tests.EndToEnd;

/// <summary>The service worker's generated precache in Chromium: after one visit, pages and files never visited open without network.</summary>
[Trait("Category", "Slow")]
public sealed class ServiceWorkerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AfterOneVisitThePrecachedShellOpensOffline()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            var shell = System.Text.RegularExpressions.Regex.Match(await host.Client.GetStringAsync("/sw.js", Ct), @"const SHELL = (\[.*?\]);").Groups[1].Value;
            var expected = System.Text.Json.Nodes.JsonNode.Parse(shell)!.AsArray().Count;
            var page = await Browser.PhonePageAsync(browser);
            await page.GotoAsync(new Uri(host.BaseAddress, "/app").ToString());
            // Installed means every URL of the list was fetched and stored (addAll fails on any error).
            var cached = await page.EvaluateAsync<int>("""
                async () => { await navigator.serviceWorker.ready;
                  const name = (await caches.keys()).find(k => k.startsWith('florascope-'));
                  return (await (await caches.open(name)).keys()).length; }
                """);
            Assert.True(cached >= expected, $"{cached} cached, {expected} listed");

            await page.Context.SetOfflineAsync(true);
            // /map was never visited: its page, Leaflet's cluster plugin and its script come from the precache.
            await page.GotoAsync(new Uri(host.BaseAddress, "/map").ToString());
            await page.WaitForFunctionAsync("() => window.L && typeof L.markerClusterGroup === 'function'");
            // A file the scripts fetch without its hash (the translations) is found by its path.
            var title = await page.EvaluateAsync<string>("async () => (await (await fetch('/i18n/fr.json')).json())['nav.map']");
            Assert.False(string.IsNullOrEmpty(title));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
