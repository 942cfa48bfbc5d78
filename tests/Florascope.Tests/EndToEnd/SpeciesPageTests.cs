using Deque.AxeCore.Playwright;
using Florascope.Data;
using Florascope.Data.Observations;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// The species page on a 390 x 844 touch phone: names in the 13 languages (the page's first), photos by
/// organ (a valid observation's first, then the model's references, credited, full screen on tap, Escape
/// closes), the distribution map loaded only when scrolled to, the phenology by month, similar species by
/// the votes and the model, recent observations, GBIF and POWO links; an unknown name says so; English,
/// French and Arabic (right to left), axe-clean with 44 px targets. Tiles are answered locally.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SpeciesPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A valid observation of Ginkgo (a leaf photo and one of no stated organ) at Lyon in May, which a second person took for Ilex opaca.</summary>
    private static async Task<int> ValidGinkgoAsync(FlorascopeHost host)
    {
        using var author = new ObservatoryClient(host.BaseAddress);
        await author.SignedUpAsync("ginkgofan");
        using var created = await author.CreateAsync([Photos.Plant("Ginkgo_biloba", 0), Photos.Plant("Ginkgo_biloba", 1)], ["leaf", "auto"],
            [new("taxon", "Ginkgo biloba"), new("latitude", "45.76"), new("longitude", "4.84"), new("observedUtc", "2026-05-02T09:00:00Z")]);
        var id = (await created.JsonAsync(System.Net.HttpStatusCode.Created))["id"]!.GetValue<int>();
        using var other = new ObservatoryClient(host.BaseAddress);
        await other.SignedUpAsync("hollyfan");
        using (var proposed = await other.IdentifyAsync(id, "Ilex opaca")) Assert.True(proposed.IsSuccessStatusCode);
        // Validated as the community's vote would, settled here without a crowd.
        await using var scope = host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        await db.Observations.Where(o => o.Id == id).ExecuteUpdateAsync(s => s.SetProperty(o => o.TaxonName, "Ginkgo biloba")
            .SetProperty(o => o.IsValid, true).SetProperty(o => o.Status, "valid"), Ct);
        return id;
    }

    [Fact]
    public async Task TheSpeciesPageShowsPhotosByOrganMapPhenologySimilarSpeciesAndLinks()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            var id = await ValidGinkgoAsync(host);
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress, "en-GB");
            var page = await context.NewPageAsync();
            var leaflet = 0;
            page.Request += (_, r) => { if (r.Url.Contains("/lib/leaflet/leaflet.js", StringComparison.Ordinal)) Interlocked.Increment(ref leaflet); };
            await page.GotoAsync(new Uri(host.BaseAddress, "/taxa/ginkgo%20biloba").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='1']", new() { State = WaitForSelectorState.Attached });

            Assert.Equal("Ginkgo biloba L.", await page.InnerTextAsync("h1"));
            Assert.Equal("ginkgo, maidenhair tree", await page.InnerTextAsync("#vernacular"));
            Assert.Contains("Ginkgoaceae", await page.InnerTextAsync("#facts"), StringComparison.Ordinal);
            // Names: the page's language first, each under its own name, marked with its code.
            var names = await page.Locator("#names dt").AllInnerTextsAsync();
            Assert.Equal("English", names[0]);
            Assert.Contains("العربية", names);
            Assert.Equal("ja", await page.GetAttributeAsync("#names dd:text('イチョウ')", "lang"));

            // Photos: leaf first (the observation's, then references), then "other" (the photo of no stated organ).
            Assert.Equal(["leaf", "other"], await page.Locator("#organs [role=tab]").AllInnerTextsAsync());
            Assert.Equal("true", await page.GetAttributeAsync("#tab-leaf", "aria-selected"));
            var kinds = await page.Locator("#gallery figure").EvaluateAllAsync<string[]>("fs => fs.map(f => f.dataset.kind)");
            Assert.Equal("observation", kinds[0]);
            Assert.True(kinds.Skip(1).All(k => k == "reference") && kinds.Length > 1, string.Join(",", kinds));
            Assert.Equal("Photo of Ginkgo biloba: leaf", await page.GetAttributeAsync("#gallery figure:first-child img", "alt"));
            Assert.Equal("@ginkgofan · CC BY", await page.InnerTextAsync("#gallery figure:first-child figcaption"));
            Assert.Contains("LeafSnap", await page.InnerTextAsync("#gallery figure:nth-child(2) figcaption"), StringComparison.Ordinal);

            // Full screen on tap, with its credit and its observation; the next photo is a reference; Escape closes.
            await page.TapAsync("#gallery figure:first-child button");
            await page.WaitForSelectorAsync("#viewer[open]");
            Assert.Contains("/api/photos/", await page.GetAttributeAsync("#viewer-img", "src"), StringComparison.Ordinal);
            Assert.Equal($"/observations/{id}", await page.GetAttributeAsync("#viewer-link", "href"));
            await CheckAsync(page, "species (viewer)");
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("species-viewer-phone") });
            await page.TapAsync("#viewer-next");
            Assert.Contains("LeafSnap", await page.InnerTextAsync("#viewer-credit"), StringComparison.Ordinal);
            Assert.Contains("/media/", await page.GetAttributeAsync("#viewer-img", "src"), StringComparison.Ordinal);
            await page.Keyboard.PressAsync("Escape");
            await page.WaitForSelectorAsync("#viewer:not([open])", new() { State = WaitForSelectorState.Attached });
            await page.TapAsync("#tab-other");
            Assert.Equal(1, await page.Locator("#gallery figure").CountAsync());
            Assert.Equal("Photo of Ginkgo biloba: other", await page.GetAttributeAsync("#gallery img", "alt"));

            // Phenology: twelve months, May with its one observation, read out in words.
            Assert.Equal(12, await page.Locator("#phenology li").CountAsync());
            Assert.Equal("1", await page.GetAttributeAsync("#phenology li[data-month='5']", "data-count"));
            Assert.Equal("May: 1", await page.InnerTextAsync("#phenology li[data-month='5'] .sr-only"));

            // Similar species: the one the votes named first, then the model's look-alikes, each a link.
            var similar = page.Locator("#similar li");
            Assert.True(await similar.CountAsync() > 1);
            Assert.Contains("Ilex opaca", await similar.First.InnerTextAsync(), StringComparison.Ordinal);
            Assert.Contains("Observations naming both: 1", await similar.First.InnerTextAsync(), StringComparison.Ordinal);
            Assert.Contains("Looks alike to the model", await similar.Nth(1).InnerTextAsync(), StringComparison.Ordinal);

            // Recent observations and the links elsewhere, in a new tab without an opener.
            Assert.Equal(1, await page.Locator("#list li").CountAsync());
            Assert.Equal("https://www.gbif.org/species/2687885", await page.GetAttributeAsync("#gbif", "href"));
            Assert.Equal("https://powo.science.kew.org/results?q=Ginkgo%20biloba", await page.GetAttributeAsync("#powo", "href"));
            foreach (var link in new[] { "#gbif", "#powo" })
            {
                Assert.Equal("_blank", await page.GetAttributeAsync(link, "target"));
                Assert.Equal("noopener", await page.GetAttributeAsync(link, "rel"));
            }

            // The map: nothing of Leaflet until it is scrolled to; then the grid of public positions.
            Assert.Equal(0, leaflet);
            Assert.Equal("Observations with a public position: 1 (grid squares of 1°: 1)", await page.InnerTextAsync("#distribution-summary"));
            await page.Locator("#map").ScrollIntoViewIfNeededAsync();
            await page.WaitForSelectorAsync("body[data-map='1']", new() { State = WaitForSelectorState.Attached });
            await page.WaitForSelectorAsync("#map path.leaflet-interactive", new() { State = WaitForSelectorState.Attached });
            Assert.Equal(1, leaflet);
            await CheckAsync(page, "species");
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("species-en"), FullPage = true });

            await similar.First.Locator("a").TapAsync();
            await page.WaitForURLAsync("**/taxa/Ilex%20opaca", new() { WaitUntil = WaitUntilState.Commit });
            await page.WaitForSelectorAsync("body[data-loaded]", new() { State = WaitForSelectorState.Attached });
            Assert.Contains("Ginkgo biloba", await page.InnerTextAsync("#similar"), StringComparison.Ordinal);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task TheSpeciesPageSpeaksFrenchAndArabicRightToLeftAndAnUnknownNameIsSaid()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            await ValidGinkgoAsync(host);
            await using (var context = await Browser.PhoneContextAsync(browser, host.BaseAddress, "fr-FR"))
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync(new Uri(host.BaseAddress, "/taxa/Ginkgo%20biloba").ToString());
                await page.WaitForSelectorAsync("body[data-loaded='1']", new() { State = WaitForSelectorState.Attached });
                Assert.Equal("Français", await page.Locator("#names dt").First.InnerTextAsync());
                Assert.Equal(["feuille", "autre"], await page.Locator("#organs [role=tab]").AllInnerTextsAsync());
                Assert.Equal("Espèces semblables", await page.InnerTextAsync("#similar-title"));
                Assert.Equal("mai : 1", await page.InnerTextAsync("#phenology li[data-month='5'] .sr-only"));
                Assert.Equal("Photo de Ginkgo biloba : feuille", await page.GetAttributeAsync("#gallery figure:first-child img", "alt"));
                Assert.Equal("ginkgo, arbre aux quarante écus", await page.InnerTextAsync("#vernacular"));
                // Floras by their French names, never their codes.
                var facts = await page.InnerTextAsync("#facts");
                Assert.Contains("Amérique du Nord", facts, StringComparison.Ordinal);
                Assert.DoesNotContain("namerica", facts, StringComparison.Ordinal);
                await CheckAsync(page, "species fr");
                await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("species-fr"), FullPage = true });

                await page.GotoAsync(new Uri(host.BaseAddress, "/taxa/Nonexistus%20plantus").ToString());
                await page.WaitForSelectorAsync("body[data-unknown]", new() { State = WaitForSelectorState.Attached });
                Assert.Equal("Taxon inconnu", await page.InnerTextAsync("h1"));
                Assert.Equal("Aucun taxon nommé « Nonexistus plantus » n’est connu ici.", await page.InnerTextAsync("#status"));
                Assert.False(await page.IsVisibleAsync("#content"));
                await CheckAsync(page, "species fr unknown");
            }
            await using (var context = await Browser.PhoneContextAsync(browser, host.BaseAddress, "ar"))
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync(new Uri(host.BaseAddress, "/taxa/Ginkgo%20biloba").ToString());
                await page.WaitForSelectorAsync("body[data-loaded='1']", new() { State = WaitForSelectorState.Attached });
                Assert.Equal("rtl", await page.EvaluateAsync<string>("() => document.documentElement.dir"));
                Assert.Equal("العربية", await page.Locator("#names dt").First.InnerTextAsync());
                Assert.Equal("أنواع مشابهة", await page.InnerTextAsync("#similar-title"));
                // Right to left: the first organ tab sits at the right, the second to its left.
                var first = await page.Locator("#organs [role=tab]").First.BoundingBoxAsync();
                var second = await page.Locator("#organs [role=tab]").Nth(1).BoundingBoxAsync();
                Assert.True(first!.X > second!.X, $"first tab at x={first.X}, second at x={second.X}");
                await CheckAsync(page, "species ar");
                await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("species-ar"), FullPage = true });

                await page.GotoAsync(new Uri(host.BaseAddress, "/taxa/Nonexistus%20plantus").ToString());
                await page.WaitForSelectorAsync("body[data-unknown]", new() { State = WaitForSelectorState.Attached });
                Assert.Equal("لا تُعرف هنا أي أصنوفة باسم «Nonexistus plantus».", await page.InnerTextAsync("#status"));
            }
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    /// <summary>No serious or critical axe violation, no visible control under 44 px, photos described by what they show.</summary>
    private static async Task CheckAsync(IPage page, string name)
    {
        var problems = new List<string>();
        var axe = await page.RunAxe();
        foreach (var v in axe.Violations.Where(v => v.Impact is "serious" or "critical"))
            foreach (var node in v.Nodes)
                problems.Add($"axe {v.Impact} {v.Id} at {node.Target}: {v.Help}");
        problems.AddRange((await page.EvaluateAsync<string[]>(AccessibilityPagesTests.SmallTargets)).Select(s => "under 44 px: " + s));
        problems.AddRange((await page.EvaluateAsync<string[]>(AccessibilityPagesTests.BadAlts)).Select(s => "alternative text: " + s));
        Assert.True(problems.Count == 0, $"{name}:\n" + string.Join("\n", problems));
    }
}
