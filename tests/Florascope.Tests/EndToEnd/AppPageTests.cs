using System.Text.Json;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// The identification page on a 390 x 844 touch phone (issue 12): camera first, organs chosen by
/// icon, tips before the first photo, results as cards scrolled into view, the reference photos full
/// screen, "This one", photos kept across signing in, and French without a word of English.
/// </summary>
[Trait("Category", "Slow")]
public sealed class AppPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string PhotoFile(string dir, string name, byte[] data)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    [Fact]
    public async Task CameraFirstOrganIconsCardsInViewAndTheFullScreenGallery()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress, "en-GB");
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, e) => errors.Add(e);
            await page.GotoAsync(host.BaseAddress.ToString());
            await page.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached });

            // Camera first: the camera (capture) and the gallery (several, no capture), both large; tips before the first photo.
            Assert.Equal("environment", await page.GetAttributeAsync("#camera", "capture"));
            Assert.Null(await page.GetAttributeAsync("#photos", "capture"));
            Assert.NotNull(await page.GetAttributeAsync("#photos", "multiple"));
            Assert.True(await page.IsEnabledAsync("#camera") && await page.IsEnabledAsync("#photos"));
            var camera = (await page.Locator("label:has(#camera)").BoundingBoxAsync())!;
            var gallery = (await page.Locator("label:has(#photos)").BoundingBoxAsync())!;
            Assert.True(camera.Height >= 80 && camera.Width >= 300, $"camera button {camera.Width} x {camera.Height}");
            Assert.True(gallery.Height >= 44, $"gallery button {gallery.Width} x {gallery.Height}");
            Assert.Equal("Take a photo", (await page.InnerTextAsync("label:has(#camera)")).Trim());
            Assert.True(await page.IsVisibleAsync("#tips"));
            Assert.Contains("One organ per photo", await page.InnerTextAsync("#tips"), StringComparison.Ordinal);
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("app-home") });

            // Four photos: the answer starts below the photos, and is brought into view.
            var four = Enumerable.Range(0, 4).Select(i => PhotoFile(dir.Path, $"p{i}.jpg", Photos.Plant("Helianthus_annuus", i).Data)).ToArray();
            await page.SetInputFilesAsync("#photos", four);
            await page.WaitForFunctionAsync("() => document.querySelectorAll('.previews li').length === 4");
            Assert.False(await page.IsVisibleAsync("#tips"));
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("app-photos") });

            // The organ by its icon: a button named by the organ, pressed when chosen; a second tap leaves it to the model.
            var flower = page.Locator(".previews li:nth-child(1) button[data-organ=flower]");
            Assert.Equal("flower", await flower.GetAttributeAsync("aria-label"));
            await flower.ClickAsync();
            Assert.Equal("true", await flower.GetAttributeAsync("aria-pressed"));
            Assert.Equal(["false", "false", "false", "false", "false"],
                await page.EvalOnSelectorAllAsync<string[]>(".previews li:nth-child(1) button.organ:not([data-organ=flower])", "bs => bs.map(b => b.getAttribute('aria-pressed'))"));
            Assert.Equal("Organ: flower", await page.InnerTextAsync(".previews li:nth-child(1) .organ-chosen"));
            var leaf = page.Locator(".previews li:nth-child(2) button[data-organ=leaf]");
            await leaf.ClickAsync();
            await leaf.ClickAsync();
            Assert.Equal("false", await leaf.GetAttributeAsync("aria-pressed"));
            foreach (var box in await page.EvalOnSelectorAllAsync<double[]>(".previews button", "bs => bs.map(b => Math.min(b.offsetWidth, b.offsetHeight))"))
                Assert.True(box >= 44, $"organ or remove button {box} px");

            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync(".results > li.id-card");
            var first = page.Locator("#results > li.id-card").First;
            var top = (await first.BoundingBoxAsync())!.Y;
            Assert.InRange(top, 0, 844 - 100);
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("app-results") });

            // The card: the name large, the score in words and as a percentage, the species page.
            var name = (await first.GetAttributeAsync("data-taxon"))!;
            Assert.Equal("Helianthus annuus", name);
            // The status line (a live region) says the answer is in.
            Assert.Matches(@"^Suggestions: \d+\. The first: Helianthus annuus\.$", await page.InnerTextAsync("#status"));
            Assert.Equal(name, await first.Locator("h2.sci").InnerTextAsync());
            Assert.True(await first.Locator("h2.sci").EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).fontSize)") >= 22);
            var score = double.Parse((await first.Locator(".id-score").GetAttributeAsync("data-score"))!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Math.Round(score * 100).ToString(System.Globalization.CultureInfo.InvariantCulture) + "%", await first.Locator(".id-score .pct").InnerTextAsync());
            Assert.Contains(await first.Locator(".id-score .words").InnerTextAsync(), new[] { "very likely", "likely", "possible", "unlikely" });
            Assert.Equal("/taxa/Helianthus%20annuus", await first.Locator("a.species-link").GetAttributeAsync("href"));

            // The words' bounds, one pure function (app-results.js), and the fold at 10 %.
            Assert.Equal("app.score.verylikely app.score.verylikely app.score.likely app.score.likely app.score.possible app.score.possible app.score.unlikely",
                await page.EvaluateAsync<string>("async () => { const m = await import('/js/app-results.js'); return [0.99, 0.75, 0.6, 0.4, 0.2, 0.1, 0.09].map(m.scoreWords).join(' '); }"));
            var shown = await page.EvalOnSelectorAllAsync<double[]>("#results .id-score", "es => es.map(e => Number(e.dataset.score))");
            Assert.All(shown.Skip(1), s => Assert.True(s >= 0.1, $"{s} shown"));
            var folded = await page.EvalOnSelectorAllAsync<double[]>("#more-results .id-score", "es => es.map(e => Number(e.dataset.score))");
            Assert.NotEmpty(folded);
            Assert.All(folded, s => Assert.True(s < 0.1, $"{s} folded"));
            Assert.False(await page.Locator("#more-results > li").First.IsVisibleAsync());
            await page.ClickAsync("#more summary");
            Assert.True(await page.Locator("#more-results > li").First.IsVisibleAsync());
            Assert.Equal("More suggestions", await page.InnerTextAsync("#more summary"));

            // The reference photos by organ, full screen on tap, with their credits; arrows, keys, swipes; Escape closes.
            var thumbs = first.Locator(".thumb");
            Assert.True(await thumbs.CountAsync() >= 2);
            Assert.StartsWith("Reference photo of Helianthus annuus", await first.Locator("img").First.GetAttributeAsync("alt"), StringComparison.Ordinal);
            await thumbs.First.ClickAsync();
            await page.WaitForSelectorAsync("#viewer[open]");
            var viewer = (await page.Locator("#viewer").BoundingBoxAsync())!;
            Assert.True(viewer.Width >= 389 && viewer.Height >= 843, $"viewer {viewer.Width} x {viewer.Height}");
            Assert.Equal("0", await page.GetAttributeAsync("#viewer", "data-index"));
            Assert.StartsWith("Photo: ", await page.InnerTextAsync("#viewer-credit"), StringComparison.Ordinal);
            Assert.DoesNotContain("?", await page.InnerTextAsync("#viewer-credit"), StringComparison.Ordinal);
            Assert.StartsWith("Reference photo of Helianthus annuus", await page.GetAttributeAsync("#viewer-img", "alt"), StringComparison.Ordinal);
            await page.Keyboard.PressAsync("ArrowRight");
            Assert.Equal("1", await page.GetAttributeAsync("#viewer", "data-index"));
            await page.ClickAsync("#viewer-prev");
            Assert.Equal("0", await page.GetAttributeAsync("#viewer", "data-index"));
            // A swipe to the left: the next photo.
            await page.Mouse.MoveAsync(300, 300);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(100, 310, new() { Steps = 5 });
            await page.Mouse.UpAsync();
            Assert.Equal("1", await page.GetAttributeAsync("#viewer", "data-index"));
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("app-viewer") });
            var inViewer = await page.RunAxe();
            Assert.DoesNotContain(inViewer.Violations, v => v.Impact is "serious" or "critical");
            Assert.Empty(await page.EvaluateAsync<string[]>(AccessibilityPagesTests.SmallTargets));
            await page.Keyboard.PressAsync("Escape");
            await page.WaitForSelectorAsync("#viewer:not([open])", new() { State = WaitForSelectorState.Attached });

            // Accessible with the cards on screen.
            var axe = await page.RunAxe();
            var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {string.Join(", ", v.Nodes.Select(n => n.Target))}").ToList();
            Assert.True(serious.Count == 0, string.Join("\n", serious));
            // Every control at least 44 x 44 px (the sign-in link included), every photo saying what it shows.
            Assert.Empty(await page.EvaluateAsync<string[]>(AccessibilityPagesTests.SmallTargets));
            Assert.Empty(await page.EvaluateAsync<string[]>(AccessibilityPagesTests.BadAlts));
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("app-cards"), FullPage = true });
            Assert.Empty(errors);

            // In Arabic the page runs right to left: the organ icons start at the right.
            await using var arabic = await Browser.PhoneContextAsync(browser, host.BaseAddress, "ar");
            var ar = await arabic.NewPageAsync();
            await ar.GotoAsync(new Uri(host.BaseAddress, "/app").ToString());
            await ar.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached });
            Assert.Equal("rtl", await ar.EvaluateAsync<string>("() => document.documentElement.dir"));
            await ar.SetInputFilesAsync("#photos", four[0]);
            await ar.WaitForSelectorAsync(".previews li");
            var leafBox = (await ar.Locator(".previews button[data-organ=leaf]").BoundingBoxAsync())!;
            var flowerBox = (await ar.Locator(".previews button[data-organ=flower]").BoundingBoxAsync())!;
            Assert.True(leafBox.X > flowerBox.X, $"leaf at {leafBox.X}, flower at {flowerBox.X}");
            Assert.Equal(390, await ar.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
            await ar.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("app-ar"), FullPage = true });
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task PhotosChosenBeforeSigningInAreKeptAndThisOnePicksTheTaxon()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress, "en-GB");
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(host.BaseAddress, "/app").ToString());
            await page.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached });
            var two = new[]
            {
                PhotoFile(dir.Path, "a.jpg", TestImages.WithExifGps(Photos.Plant("Leucanthemum_vulgare").Data, 45.76, 4.84, new DateTime(2026, 5, 2, 9, 0, 0))),
                PhotoFile(dir.Path, "b.jpg", Photos.Plant("Leucanthemum_vulgare", 1).Data),
            };
            await page.SetInputFilesAsync("#photos", two);
            await page.WaitForFunctionAsync("() => document.querySelectorAll('.previews li').length === 2");
            await page.ClickAsync(".previews li:nth-child(2) button[data-organ=flower]");
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync(".results > li.id-card");
            Assert.Equal("/account?return=/app", await page.GetAttributeAsync("#saved a", "href"));

            // Signing up to keep it: back on the app, the two photos are there, with their organs.
            await page.ClickAsync("#saved a");
            await page.WaitForURLAsync("**/account?return=/app");
            await page.FillAsync("#signup input[name=userName]", "keeper");
            await page.FillAsync("#signup input[name=email]", "keeper@example.org");
            await page.FillAsync("#signup input[name=password]", "a long enough password");
            await page.ClickAsync("#signup button");
            await page.WaitForURLAsync("**/app");
            await page.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached });
            Assert.Equal(2, await page.Locator(".previews li").CountAsync());
            Assert.Equal("true", await page.GetAttributeAsync(".previews li:nth-child(2) button[data-organ=flower]", "aria-pressed"));
            Assert.Equal("Your photos are back: tap Identify.", await page.InnerTextAsync("#status"));
            // Taken back once: a later visit starts empty.
            Assert.Equal(0, await page.EvaluateAsync<int>("async () => (await (await import('/js/outbox.js')).takePending()).length"));

            // "This one" on another card than the first: the form takes that taxon in one tap.
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync("#save:not([hidden])");
            Assert.Equal("45.760000", await page.InputValueAsync("#lat"));
            var cards = page.Locator("li.id-card");
            var other = cards.Nth(1);
            if (!await other.IsVisibleAsync()) await page.ClickAsync("#more summary");
            var name = (await other.GetAttributeAsync("data-taxon"))!;
            Assert.NotEqual(name, await page.InputValueAsync("#taxon"));
            await other.Locator(".pick").ClickAsync();
            Assert.Equal("true", await other.Locator(".pick").GetAttributeAsync("aria-pressed"));
            Assert.Equal(name, await page.InputValueAsync("#taxon"));
            await page.ClickAsync("#save button[type=submit]");
            await page.WaitForSelectorAsync("#saved[data-observation]");
            var id = await page.GetAttributeAsync("#saved", "data-observation");
            Assert.Equal($"/observations/{id}", await page.GetAttributeAsync("#saved a", "href"));
            Assert.Equal($"Saved as observation {id}.", await page.InnerTextAsync("#saved a"));
            var saved = JsonNode.Parse(await host.Client.GetStringAsync($"/api/observations/{id}", Ct))!;
            Assert.Equal(2, saved["photos"]!.AsArray().Count);
            Assert.Contains(saved["identifications"]!.AsArray(), i => i!["taxonName"]?.GetValue<string>() == name);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    // Texts shown (own text nodes, labels, placeholders, titles, alternative texts, options of visible
    // selects, the title) that are a key, or an English text of en.json that the other language says otherwise.
    private const string FindForeign = """
        ([english, keys]) => {
          const known = new Set(keys);
          const keyLike = /^[a-z]+(\.[a-z][a-z0-9-]*)+$/;
          const bad = [];
          const check = (where, text) => {
            const t = (text || '').trim();
            if (!t) return;
            if (known.has(t) || keyLike.test(t)) bad.push('key ' + where + ': ' + t);
            else if (english.includes(t)) bad.push('English ' + where + ': ' + t);
          };
          check('title', document.title);
          for (const e of document.querySelectorAll('body *')) {
            if (e.closest('script, style, template, datalist, body [lang=en]')) continue;
            const visible = e.tagName === 'OPTION' ? !!e.closest('select')?.checkVisibility() : e.checkVisibility();
            if (!visible) continue;
            const own = [...e.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join('');
            check(e.tagName, e.tagName === 'OPTION' ? e.textContent : own);
            for (const a of ['placeholder', 'aria-label', 'title', 'alt']) check(e.tagName + '@' + a, e.getAttribute(a));
          }
          return bad;
        }
        """;

    [Fact]
    public async Task TheFrenchPageSpeaksOnlyFrench()
    {
        var i18n = Path.Combine(RepoPaths.Root, "src", "Florascope.Web", "wwwroot", "i18n");
        var en = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(i18n, "en.json")))!;
        var fr = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(i18n, "fr.json")))!;
        // English texts that are no French text ("Notes", "Suggestions" are both).
        var french = fr.Values.ToHashSet(StringComparer.Ordinal);
        var english = en.Values.Where(v => !french.Contains(v)).ToArray();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress, "fr-FR");
            var page = await context.NewPageAsync();
            var problems = new List<string>();
            async Task CheckAsync(string when)
            {
                foreach (var bad in await page.EvaluateAsync<string[]>(FindForeign, new object[] { english, en.Keys.ToArray() })) problems.Add($"{when}: {bad}");
            }
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "francophone");
            await page.WaitForSelectorAsync("body[data-i18n='fr']", new() { State = WaitForSelectorState.Attached });
            Assert.Equal("Quelle est cette plante ?", await page.InnerTextAsync("h1"));
            Assert.Equal(fr["title.app"], await page.TitleAsync());
            Assert.Equal(fr["nav.account"], await page.InnerTextAsync("#account"));
            await CheckAsync("empty");

            // Not a plant, in French; the passing "Preparing photos…" and "Identifying…" too (every text the status line shows is kept).
            await page.EvaluateAsync("""
                () => { const s = document.getElementById('status'); window.statuses = [];
                  new MutationObserver(() => window.statuses.push(s.textContent)).observe(s, { childList: true, characterData: true, subtree: true }); }
                """);
            await page.SetInputFilesAsync("#photos", PhotoFile(dir.Path, "shark.jpg", Photos.NonPlant("hammerhead").Data));
            await page.WaitForSelectorAsync(".previews li");
            Assert.Equal("feuille", await page.GetAttributeAsync(".previews button[data-organ=leaf]", "aria-label"));
            Assert.Equal(fr["app.remove"], await page.InnerTextAsync(".previews .remove"));
            Assert.Equal("Retirer la photo 1", await page.GetAttributeAsync(".previews .remove", "aria-label"));
            Assert.Equal("Organe de la photo 1", await page.GetAttributeAsync(".previews .organs", "aria-label"));
            await CheckAsync("photo");
            await page.ClickAsync("#go");
            await page.WaitForFunctionAsync("t => document.getElementById('status').textContent === t", fr["app.notaplant"]);
            var statuses = await page.EvaluateAsync<string[]>("() => window.statuses");
            Assert.Contains(fr["app.preparing"], statuses);
            Assert.Contains(fr["app.identifying"], statuses);
            await page.ClickAsync(".previews .remove");

            // A plant: the cards, the folded suggestions, the form with "I don't know".
            await page.SetInputFilesAsync("#photos", PhotoFile(dir.Path, "tournesol.jpg", Photos.Plant("Helianthus_annuus").Data));
            await page.WaitForSelectorAsync(".previews li");
            await page.ClickAsync(".previews button[data-organ=flower]");
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync("#save:not([hidden])");
            await page.WaitForSelectorAsync(".results > li.id-card");
            Assert.Contains("tournesol", (await page.InnerTextAsync(".results > li.id-card .common")).ToLowerInvariant(), StringComparison.Ordinal);
            Assert.Contains(await page.InnerTextAsync(".results > li.id-card .words"),
                new[] { fr["app.score.verylikely"], fr["app.score.likely"], fr["app.score.possible"], fr["app.score.unlikely"] });
            Assert.Equal(fr["app.dontknow"], await page.InnerTextAsync("#taxon option[value='']"));
            if (await page.IsVisibleAsync("#more")) await page.ClickAsync("#more summary");
            await CheckAsync("results");
            await page.ClickAsync(".results > li.id-card .thumb");
            await page.WaitForSelectorAsync("#viewer[open]");
            Assert.StartsWith("Photo : ", await page.InnerTextAsync("#viewer-credit"), StringComparison.Ordinal);
            await CheckAsync("viewer");
            await page.Keyboard.PressAsync("Escape");

            // Without network: the messages and the waiting list in French.
            await context.SetOfflineAsync(true);
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync("#status[data-offline]", new() { State = WaitForSelectorState.Attached });
            Assert.Equal(fr["app.offline.identify"], await page.InnerTextAsync("#status"));
            // Nothing wider than the phone (a long French option once widened the form to 489 px).
            Assert.Equal(390, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
            await page.ClickAsync("#save button[type=submit]");
            await page.WaitForSelectorAsync("#queue[data-count='1']");
            Assert.Equal(fr["app.offline.saved"], await page.InnerTextAsync("#saved"));
            Assert.Equal(fr["app.queue.one"], await page.InnerTextAsync("#queue"));
            await CheckAsync("offline");
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("app-fr-offline"), FullPage = true });
            await context.SetOfflineAsync(false);
            await page.WaitForSelectorAsync("#queue[data-count='0']", new() { State = WaitForSelectorState.Attached });

            // The home page: the developers' section is titled in French; its technical text is English and declared so.
            await page.GotoAsync(host.BaseAddress.ToString());
            await page.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached });
            Assert.Equal(fr["app.developers"], await page.InnerTextAsync(".developers summary"));
            Assert.Equal(1, await page.Locator(".developers > div[lang=en]").CountAsync());
            await page.ClickAsync(".developers summary");
            await CheckAsync("home");

            Assert.True(problems.Count == 0, "Not French on the French page:\n" + string.Join("\n", problems));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
