using System.Collections.Concurrent;
using Florascope.Data;
using Florascope.Data.Observations;
using Florascope.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// /stats in headless Chromium at phone width under the server's Content-Security-Policy: the charts
/// are drawn by Chart.js, the distribution by Leaflet at public positions, with no console error or
/// policy violation. Tiles are answered locally; nothing leaves the machine.
/// </summary>
[Trait("Category", "Slow")]
public sealed class StatsPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheChartsAndTheDistributionAreDrawnOnAPhone()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            using var author = new ObservatoryClient(host.BaseAddress);
            Assert.True((await author.SignUpAsync("statsauthor", "stats@example.org")).IsSuccessStatusCode);
            await using (var scope = host.App.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
                Observation Row(int month, string taxon, bool valid, double lat, double lon, double publicLat, double publicLon) => new()
                {
                    AuthorId = author.UserId, ObservedUtc = new DateTime(2026, month, 3, 9, 0, 0, DateTimeKind.Utc), TaxonName = taxon, IsValid = valid,
                    Project = "weurope", Latitude = lat, Longitude = lon, PublicLatitude = publicLat, PublicLongitude = publicLon,
                    CreatedUtc = DateTime.UtcNow, UpdatedUtc = DateTime.UtcNow,
                };
                db.Observations.AddRange(
                    Row(3, "Taraxacum officinale", true, 45.76, 4.84, 45.76, 4.84),
                    Row(4, "Taraxacum officinale", true, 45.70, 4.80, 45.70, 4.80),
                    // Obscured: drawn in the cell of its public point (47.3, 6.4), none at its true one.
                    Row(4, "Taraxacum officinale", false, 45.75, 4.85, 47.3, 6.4),
                    Row(5, "Ranunculus acris", true, 48.85, 2.35, 48.85, 2.35));
                await db.SaveChangesAsync(Ct);
            }

            var console = new ConcurrentQueue<string>();
            var elsewhere = new ConcurrentQueue<string>();
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 360, Height = 740 } });
            await Browser.KeepRequestsLocalAsync(context, host.BaseAddress, onElsewhere: elsewhere.Enqueue);
            await context.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => " +
                "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));");
            var page = await context.NewPageAsync();
            page.Console += (_, message) => { if (message.Type is "error" or "warning") console.Enqueue($"{message.Type}: {message.Text}"); };
            page.PageError += (_, error) => console.Enqueue($"page error: {error}");

            await page.GotoAsync(new Uri(host.BaseAddress, "/stats").ToString());
            try
            {
                await page.WaitForSelectorAsync("body[data-loaded]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
            }
            finally
            {
                await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("stats-phone"), FullPage = true });
            }

            // Without a chosen taxon the page shows the most observed one.
            Assert.Equal("Taraxacum officinale", await page.GetAttributeAsync("body", "data-taxon"));
            // Each canvas holds a Chart.js chart with its data, at a size a phone shows.
            foreach (var (id, points) in new[] { ("monthly", 3), ("top", 2), ("phenology", 12) })
            {
                var drawn = await page.EvaluateAsync<int[]>($"() => {{ const c = document.getElementById('{id}'); const chart = Chart.getChart(c); " +
                    "return chart ? [chart.data.labels.length, c.width, c.height] : [0, 0, 0]; }");
                Assert.Equal(points, drawn[0]);
                Assert.True(drawn[1] > 0 && drawn[2] > 0, $"{id} is {drawn[1]}x{drawn[2]}");
            }
            var phenology = await page.EvaluateAsync<int[]>("() => Chart.getChart(document.getElementById('phenology')).data.datasets[0].data");
            Assert.Equal([0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0], phenology);
            // Two 1-degree cells: (45, 4) with two observations, (47, 6) with the obscured one.
            Assert.Equal(2, await page.Locator("#grid-map path.leaflet-interactive").CountAsync());
            Assert.Equal("Statistics", await page.InnerTextAsync("h1"));
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 360"), "The page is wider than a phone.");

            Assert.Empty(await page.EvaluateAsync<string[]>("() => window.__csp || []"));
            Assert.True(console.IsEmpty, "Console:\n" + string.Join("\n", console));
            Assert.True(elsewhere.IsEmpty, "Requests off the machine:\n" + string.Join("\n", elsewhere));

            // Another taxon, chosen in the form: its own cells and phenology.
            await page.FillAsync("#taxon", "ranunculus acris");
            await page.ClickAsync("#taxon-form button");
            await page.WaitForSelectorAsync("body[data-taxon='Ranunculus acris']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
            Assert.Equal(1, await page.Locator("#grid-map path.leaflet-interactive").CountAsync());
            // An unknown name is answered under the taxon's form (the API's 404 message).
            await page.FillAsync("#taxon", "Nonexistus plantus");
            await page.ClickAsync("#taxon-form button");
            await page.WaitForSelectorAsync("#taxon-status:has-text('Unknown taxon')");

            // In French, the page's own texts and the charts' legends are translated.
            await page.EvaluateAsync("() => localStorage.setItem('lang', 'fr')");
            await page.GotoAsync(new Uri(host.BaseAddress, "/stats").ToString());
            await page.WaitForSelectorAsync("body[data-loaded]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
            Assert.Equal("Statistiques", await page.InnerTextAsync("h1"));
            var legend = await page.EvaluateAsync<string>("() => Chart.getChart(document.getElementById('monthly')).data.datasets[2].label");
            Assert.Equal("Contributeurs", legend);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
