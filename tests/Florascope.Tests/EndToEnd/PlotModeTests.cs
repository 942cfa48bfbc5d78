using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using Florascope.Tests.Survey;
using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// The app's Plot mode on a 390 x 844 touch phone (issue 15), against the real server, its /api/survey and the
/// demo model: a plot photo of four taxa surveyed, its species listed by coverage, a tapped species' windows
/// outlined, two species kept as observations that share the photo and say they come from a plot.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PlotModeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string[] Taxa = SurveyPlots.Taxa;

    private static byte[] Mosaic(int cell) => SurveyPlots.Mosaic(cell);

    [Fact]
    public async Task APlotIsSurveyedItsSpeciesOutlinedAndTwoKeptSharingThePhoto()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            var plotFile = Path.Combine(dir.Path, "plot.jpg");
            await File.WriteAllBytesAsync(plotFile, Mosaic(1200), Ct);
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress, "en-GB");
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, e) => errors.Add(e);
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "quadrat");

            // The switch: two toggle buttons, "One plant" pressed first.
            Assert.Equal(["One plant", "Plot"], await page.EvalOnSelectorAllAsync<string[]>("#modes button", "bs => bs.map(b => b.textContent.trim())"));
            Assert.Equal("true", await page.GetAttributeAsync("#mode-one", "aria-pressed"));
            Assert.False(await page.IsVisibleAsync("#plot"));
            await page.ClickAsync("#mode-plot");
            Assert.Equal("true", await page.GetAttributeAsync("#mode-plot", "aria-pressed"));
            Assert.Equal("false", await page.GetAttributeAsync("#mode-one", "aria-pressed"));
            Assert.True(await page.IsVisibleAsync("#plot"));
            Assert.False(await page.IsVisibleAsync("#identify"));

            // One photo, surveyed at once: the request carries the photo at its size (2400 px is under 3000) and show_species.
            var surveyed = page.WaitForResponseAsync(r => r.Url.Contains("/api/survey/", StringComparison.Ordinal), new() { Timeout = 300_000 });
            var sent = page.WaitForRequestAsync(r => r.Url.Contains("/api/survey/", StringComparison.Ordinal));
            await page.WaitForSelectorAsync("#plot-photo:not([disabled])", new() { State = WaitForSelectorState.Attached });
            await page.SetInputFilesAsync("#plot-photo", plotFile);
            var request = await sent;
            Assert.Contains("/api/survey/all?lang=en", request.Url, StringComparison.Ordinal);
            Assert.Contains("name=\"show_species\"", request.PostData ?? "", StringComparison.Ordinal);
            var response = await surveyed;
            Assert.Equal(200, response.Status);
            var answer = JsonNode.Parse(await response.TextAsync())!;
            Assert.Equal((2400, 2400), (answer["results"]!["image"]!["width"]!.GetValue<int>(), answer["results"]!["image"]!["height"]!.GetValue<int>()));
            await page.WaitForSelectorAsync("#plot-answer[data-answered]", new() { Timeout = 60_000 });

            // The kept species (no reject), by coverage, each named; the rejected ones not listed.
            var kept = answer["results"]!["species"]!.AsArray().Where(s => s!["reject"] is null).ToList();
            var listed = await page.EvalOnSelectorAllAsync<string[]>("#plot-species > li", "ls => ls.map(l => l.dataset.taxon)");
            TestContext.Current.TestOutputHelper?.WriteLine(string.Join("; ", answer["results"]!["species"]!.AsArray()
                .Select(s => $"{s!["binomial"]} count {s["count"]} coverage {s["coverage"]} reject {s["reject"]}")));
            Assert.Equal(kept.Select(s => s!["binomial"]!.GetValue<string>()), listed);
            foreach (var taxon in Taxa) Assert.Contains(taxon.Replace('_', ' '), listed);
            var coverages = kept.Select(s => s!["coverage"]!.GetValue<double>()).ToList();
            Assert.Equal(coverages.OrderDescending(), coverages);
            Assert.StartsWith($"{kept.Count} species found; ", await page.InnerTextAsync("#status"), StringComparison.Ordinal);
            Assert.EndsWith(" of the photo named no species.", await page.InnerTextAsync("#status"), StringComparison.Ordinal);
            var sunflower = page.Locator("#plot-species > li[data-taxon='Helianthus annuus']");
            Assert.Equal("Helianthus annuus", await sunflower.Locator(".sci").InnerTextAsync());
            var entry = kept.Single(s => s!["binomial"]!.GetValue<string>() == "Helianthus annuus")!;
            if (entry["common_names"] is JsonArray { Count: > 0 } names)
                Assert.Equal(names[0]!.GetValue<string>(), await sunflower.Locator(".common").InnerTextAsync());

            // A tapped species: its windows outlined on the photo, as many as its count, and no other's; a second species replaces them.
            await sunflower.Locator("button.plot-show").ClickAsync();
            Assert.Equal("true", await sunflower.Locator("button.plot-show").GetAttributeAsync("aria-pressed"));
            Assert.Equal(entry["count"]!.GetValue<int>(), await page.Locator("#plot-tiles rect").CountAsync());
            Assert.Equal("Helianthus annuus", await page.GetAttributeAsync("#plot-tiles", "data-taxon"));
            // The outline's squares are the answer's windows, stretched over the photo as shown (the screen's width).
            var shown = (await page.Locator("#plot-img").BoundingBoxAsync())!;
            var drawn = (await page.Locator("#plot-tiles").BoundingBoxAsync())!;
            Assert.True(shown.Width <= 390 && Math.Abs(shown.Width - drawn.Width) < 1 && Math.Abs(shown.Height - drawn.Height) < 1, $"photo {shown.Width} x {shown.Height}, overlay {drawn.Width} x {drawn.Height}");
            var first = entry["location"]![0]!;
            var rect = await page.EvaluateAsync<double[]>("() => { const r = document.querySelector('#plot-tiles rect'); return ['x', 'y', 'width'].map(k => Number(r.getAttribute(k))); }");
            Assert.Equal([first["center"]!["x"]!.GetValue<double>() - first["size"]!.GetValue<double>() / 2, first["center"]!["y"]!.GetValue<double>() - first["size"]!.GetValue<double>() / 2, first["size"]!.GetValue<double>()], rect);
            var maize = page.Locator("#plot-species > li[data-taxon='Zea mays']");
            await maize.Locator("button.plot-show").ClickAsync();
            Assert.Equal("false", await sunflower.Locator("button.plot-show").GetAttributeAsync("aria-pressed"));
            Assert.Equal(kept.Single(s => s!["binomial"]!.GetValue<string>() == "Zea mays")!["count"]!.GetValue<int>(), await page.Locator("#plot-tiles rect").CountAsync());
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("app-plot"), FullPage = true });

            // Plot mode on a phone: no sideways scroll, accessible, every target 44 px.
            Assert.Equal(390, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
            var axe = await page.RunAxe();
            var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {string.Join(", ", v.Nodes.Select(n => n.Target))}").ToList();
            Assert.True(serious.Count == 0, string.Join("\n", serious));
            Assert.Empty(await page.EvaluateAsync<string[]>(AccessibilityPagesTests.SmallTargets));

            // Two species chosen and kept with the save form's fields: two observations, the same photo, fromPlot.
            await sunflower.Locator("input[type=checkbox]").CheckAsync();
            await maize.Locator("input[type=checkbox]").CheckAsync();
            Assert.True(await page.IsVisibleAsync("#save"));
            Assert.False(await page.IsVisibleAsync("#taxon"));
            Assert.Equal("Keep as observations", (await page.InnerTextAsync("#save button[type=submit]")).Trim());
            await page.SelectOptionAsync("#license", "cc0");
            await page.ClickAsync("#save button[type=submit]");
            await page.WaitForSelectorAsync("#saved[data-observations]");
            Assert.StartsWith("2 observations kept:", await page.InnerTextAsync("#saved"), StringComparison.Ordinal);
            var ids = (await page.GetAttributeAsync("#saved", "data-observations"))!.Split(',');
            Assert.Equal(2, ids.Length);
            var observations = new List<JsonNode>();
            foreach (var id in ids) observations.Add(JsonNode.Parse(await host.Client.GetStringAsync($"/api/observations/{id}", Ct))!);
            Assert.Equal(["Helianthus annuus", "Zea mays"], observations.Select(o => o["identifications"]![0]!["taxonName"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            Assert.All(observations, o => Assert.True(o["fromPlot"]!.GetValue<bool>()));
            Assert.All(observations, o => Assert.Equal("cc0", o["license"]!.GetValue<string>()));
            Assert.Single(observations.Select(o => o["photos"]!.AsArray().Single()!["sha256"]!.GetValue<string>()).Distinct());
            // The links go to them; the observation page says where the photo comes from.
            Assert.Equal(ids.Select(id => "/observations/" + id), await page.EvalOnSelectorAllAsync<string[]>("#saved a", "as => as.map(a => a.getAttribute('href'))"));
            await page.GotoAsync(new Uri(host.BaseAddress, "/observations/" + ids[0]).ToString());
            await page.WaitForSelectorAsync("#plot-note:not([hidden])");
            Assert.Equal("From a plot survey: this photo is not used to train the model.", await page.InnerTextAsync("#plot-note"));
            Assert.Empty(errors);

            // In French: the switch and the note.
            await using var french = await Browser.PhoneContextAsync(browser, host.BaseAddress, "fr-FR");
            var fr = await french.NewPageAsync();
            await fr.GotoAsync(new Uri(host.BaseAddress, "/app").ToString());
            await fr.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached });
            Assert.Equal("Placette", await fr.InnerTextAsync("#mode-plot"));
            await fr.GotoAsync(new Uri(host.BaseAddress, "/observations/" + ids[0]).ToString());
            await fr.WaitForSelectorAsync("#plot-note:not([hidden])");
            Assert.Equal("Issue d'un relevé de placette : cette photo n'est pas utilisée pour entraîner le modèle.", await fr.InnerTextAsync("#plot-note"));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task SignedOutTheServersRefusalIsSaidThePlotAsksToSignInAndTheSwitchGoesBack()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        // Five identifications a day for this address: a plot of 88 windows (9 units) is refused, one of 30 (3 units) is not.
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow),
            new Dictionary<string, string?> { ["Florascope:AnonymousDailyIdentifications"] = "5" });
        try
        {
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress, "en-GB");
            var page = await context.NewPageAsync();
            await page.GotoAsync(host.BaseAddress.ToString());
            await page.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached });
            await page.ClickAsync("#mode-plot");
            // The plot's photo is larger than quick identification's: the module says so, and the chooser takes one photo.
            Assert.Equal(3000, await page.EvaluateAsync<int>("async () => (await import('/js/app-plot.js')).PLOT_SIDE"));
            Assert.Null(await page.GetAttributeAsync("#plot-photo", "multiple"));
            Assert.Equal("environment", await page.GetAttributeAsync("#plot-camera", "capture"));
            // The list's order and the outline's squares, pure functions of the answer.
            Assert.Equal("b a", await page.EvaluateAsync<string>("""
                async () => { const m = await import('/js/app-plot.js');
                  return m.keptSpecies({ results: { species: [{ binomial: 'a', coverage: 0.1, max_score: 0.9 }, { binomial: 'c', coverage: 0.5, max_score: 0.9, reject: 'one-window' }, { binomial: 'b', coverage: 0.3, max_score: 0.5 }] } })
                    .map(s => s.binomial).join(' '); }
                """));
            var square = await page.EvaluateAsync<double[]>("async () => { const q = (await import('/js/app-plot.js')).tileSquares([{ center: { x: 400, y: 550 }, size: 600 }])[0]; return [q.x, q.y, q.size]; }");
            Assert.Equal(new[] { 100.0, 250, 600 }, square);
            // Accessible and 44 px targets in plot mode before any photo, too.
            var axe = await page.RunAxe();
            var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {string.Join(", ", v.Nodes.Select(n => n.Target))}").ToList();
            Assert.True(serious.Count == 0, string.Join("\n", serious));
            Assert.Empty(await page.EvaluateAsync<string[]>(AccessibilityPagesTests.SmallTargets));
            Assert.Equal(390, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));

            // The server's refusal (429: the units needed and left) in the status line, as for one plant.
            var large = Path.Combine(dir.Path, "large.jpg");
            await File.WriteAllBytesAsync(large, Mosaic(1200), Ct);
            var refused = page.WaitForResponseAsync(r => r.Url.Contains("/api/survey/", StringComparison.Ordinal), new() { Timeout = 300_000 });
            await page.WaitForSelectorAsync("#plot-photo:not([disabled])", new() { State = WaitForSelectorState.Attached });
            await page.SetInputFilesAsync("#plot-photo", large);
            var refusal = await refused;
            Assert.Equal(429, refusal.Status);
            var message = JsonNode.Parse(await refusal.TextAsync())!["message"]!.GetValue<string>();
            await page.WaitForFunctionAsync("m => document.getElementById('status').textContent === m", message);
            Assert.False(await page.IsVisibleAsync("#plot-answer"));

            var plotFile = Path.Combine(dir.Path, "plot.jpg");
            await File.WriteAllBytesAsync(plotFile, Mosaic(700), Ct);
            await page.WaitForSelectorAsync("#plot-photo:not([disabled])", new() { State = WaitForSelectorState.Attached });
            await page.SetInputFilesAsync("#plot-photo", plotFile);
            await page.WaitForSelectorAsync("#plot-answer[data-answered]", new() { Timeout = 300_000 });
            // Signed out: the app's sign-in prompt, as for one plant; no save form.
            Assert.Equal("/account?return=/app", await page.GetAttributeAsync("#signin-to-keep", "href"));
            Assert.False(await page.IsVisibleAsync("#save"));

            // Back to one plant: its photo pickers again, the plot's answer out of the way.
            await page.ClickAsync("#mode-one");
            Assert.True(await page.IsVisibleAsync("#identify"));
            Assert.False(await page.IsVisibleAsync("#plot"));
            Assert.False(await page.IsVisibleAsync("#plot-answer"));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task SpeciesKeptWithoutNetworkWaitInTheOutboxAndAreSentAsPlotObservations()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            var plotFile = Path.Combine(dir.Path, "plot.jpg");
            await File.WriteAllBytesAsync(plotFile, Mosaic(700), Ct);
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress, "en-GB");
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, e) => errors.Add(e);
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "offlineplot");
            await page.ClickAsync("#mode-plot");
            await page.WaitForSelectorAsync("#plot-photo:not([disabled])", new() { State = WaitForSelectorState.Attached });
            await page.SetInputFilesAsync("#plot-photo", plotFile);
            await page.WaitForSelectorAsync("#plot-answer[data-answered]", new() { Timeout = 300_000 });
            var two = (await page.EvalOnSelectorAllAsync<string[]>("#plot-species > li", "ls => ls.map(l => l.dataset.taxon)")).Take(2).ToArray();
            Assert.Equal(2, two.Length);
            foreach (var taxon in two) await page.Locator($"#plot-species > li[data-taxon='{taxon}'] input[type=checkbox]").CheckAsync();

            // The network gone while keeping: both wait on the phone, each with its own client id.
            await context.SetOfflineAsync(true);
            await page.ClickAsync("#save button[type=submit]");
            await page.WaitForSelectorAsync("#queue[data-count='2']");
            Assert.Contains("2 wait on this phone", await page.InnerTextAsync("#saved"), StringComparison.Ordinal);
            Assert.Empty(JsonNode.Parse(await host.Client.GetStringAsync("/api/observations", Ct))!.AsArray());

            await context.SetOfflineAsync(false);
            await page.WaitForSelectorAsync("#queue[data-count='0']", new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            var list = JsonNode.Parse(await host.Client.GetStringAsync("/api/observations", Ct))!.AsArray();
            Assert.Equal(2, list.Count);
            var observations = new List<JsonNode>();
            foreach (var o in list) observations.Add(JsonNode.Parse(await host.Client.GetStringAsync($"/api/observations/{o!["id"]}", Ct))!);
            Assert.Equal(two.Order(StringComparer.Ordinal), observations.Select(o => o["identifications"]![0]!["taxonName"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            Assert.All(observations, o => Assert.True(o["fromPlot"]!.GetValue<bool>()));
            Assert.Single(observations.Select(o => o["photos"]!.AsArray().Single()!["sha256"]!.GetValue<string>()).Distinct());
            Assert.Empty(errors);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
