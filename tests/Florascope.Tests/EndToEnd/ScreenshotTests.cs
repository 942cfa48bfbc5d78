using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// Every page on a 390 x 844 touch phone in English, French and Arabic (the "lang" cookie the header's switch
/// sets), signed in as the administrator with an observation that has a photo: a full-page screenshot of each
/// is written to artifacts/screenshots/&lt;lang&gt;/&lt;page&gt;.png (git-ignored) for people to look at. The test
/// asserts only that each page loaded in its language, shows no translation key and logged no console error.
/// Map tiles are answered locally; nothing leaves the machine.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ScreenshotTests
{
    private static readonly string[] Codes = ["en", "fr", "ar"];

    // Visible texts (own text nodes, placeholders, labels, titles, alternative texts, the document's title)
    // that are a key of en.json or look like one ("word.word").
    private const string FindKeys = """
        keys => {
          const known = new Set(keys);
          const keyLike = /^[a-z]+(\.[a-z][a-z0-9-]*)+$/;
          const bad = [];
          const check = (where, text) => { const t = (text || '').trim(); if (t && (known.has(t) || keyLike.test(t))) bad.push(where + ': ' + t); };
          check('title', document.title);
          for (const e of document.querySelectorAll('body *')) {
            if (e.closest('script, style, template, datalist') || !e.checkVisibility()) continue;
            check(e.tagName, [...e.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join(''));
            for (const a of ['placeholder', 'aria-label', 'title', 'alt']) check(e.tagName + '@' + a, e.getAttribute(a));
          }
          return bad;
        }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryPageInEnglishFrenchAndArabicIsWrittenAsAScreenshotWithoutKeysOrConsoleErrors()
    {
        var keys = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "src", "Florascope.Web", "wwwroot", "i18n", "en.json"), Ct))
            .RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            // The first account is the founder, an administrator (/models shows its history); a second person agrees
            // with its observation, so the observation page has a photo and a vote to show.
            using var admin = new ObservatoryClient(host.BaseAddress);
            Assert.True((await admin.SignUpAsync("shotadmin", "shotadmin@example.org")).IsSuccessStatusCode);
            var observation = (await admin.CreatedAsync(Photos.Plant("Taraxacum_officinale"),
                [new("taxon", "Taraxacum officinale"), new("latitude", "45.76"), new("longitude", "4.84")]))["id"]!.GetValue<int>();
            using var other = new ObservatoryClient(host.BaseAddress);
            Assert.True((await other.SignUpAsync("shotvoter", "shotvoter@example.org")).IsSuccessStatusCode);
            using (var vote = await other.IdentifyAsync(observation, "Taraxacum officinale")) Assert.True(vote.IsSuccessStatusCode);

            var pages = new (string Name, string Path, string Ready)[]
            {
                ("home", "/", "body[data-ready]"),
                ("app", "/app", "body[data-ready]"),
                ("map", "/map", "body[data-loaded]"),
                ("help", "/help", "body[data-loaded]"),
                ("observations", "/observations", "body[data-loaded]"),
                ("observation", $"/observations/{observation}", "body[data-loaded]"),
                ("taxon", "/taxa/Taraxacum%20officinale", "body[data-loaded]"),
                ("search", "/search", "body[data-i18n]"),
                ("stats", "/stats", "body[data-loaded]"),
                ("account", "/account", "body[data-i18n]"),
                ("models", "/models", "body[data-loaded]"),
                ("user", $"/users/{admin.UserId}", "body[data-loaded]"),
            };
            // The administrator's session, then the language as the header's switch stores it.
            var session = admin.Cookies.GetCookies(host.BaseAddress).Cast<System.Net.Cookie>()
                .Select(c => new Microsoft.Playwright.Cookie { Name = c.Name, Value = c.Value, Url = host.BaseAddress.ToString() }).ToList();
            var problems = new ConcurrentQueue<string>();
            foreach (var code in Codes)
            {
                // The browser's own language is the page's too: a page still on the older scripts reads it rather than the cookie.
                await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
                {
                    ViewportSize = new ViewportSize { Width = 390, Height = 844 }, HasTouch = true, IsMobile = true, Locale = code,
                });
                await context.AddCookiesAsync([.. session, new Microsoft.Playwright.Cookie { Name = "lang", Value = code, Url = host.BaseAddress.ToString() }]);
                await Browser.KeepRequestsLocalAsync(context, host.BaseAddress);
                var page = await context.NewPageAsync();
                var current = "";
                page.Console += (_, m) => { if (m.Type == "error") problems.Enqueue($"{code} {current}: console: {m.Text}"); };
                page.PageError += (_, e) => problems.Enqueue($"{code} {current}: page error: {e}");
                var folder = Path.Combine(RepoPaths.Root, "artifacts", "screenshots", code);
                Directory.CreateDirectory(folder);
                foreach (var (name, path, ready) in pages)
                {
                    current = path;
                    await page.GotoAsync(new Uri(host.BaseAddress, path).ToString(), new() { WaitUntil = WaitUntilState.NetworkIdle });
                    try
                    {
                        await page.WaitForSelectorAsync($"body[data-i18n='{code}']", new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
                        await page.WaitForSelectorAsync(ready, new() { State = WaitForSelectorState.Attached, Timeout = 15_000 });
                    }
                    catch (TimeoutException)
                    {
                        problems.Enqueue($"{code} {path}: never showed {ready} in {code}");
                    }
                    // Images (the photo, reference photos) drawn before the picture is taken.
                    await page.WaitForFunctionAsync("() => [...document.images].every(i => i.complete)", null, new() { Timeout = 15_000 });
                    await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
                    if (await page.EvaluateAsync<string>("() => document.documentElement.lang") != code) problems.Enqueue($"{code} {path}: <html lang> is not {code}");
                    foreach (var bad in await page.EvaluateAsync<string[]>(FindKeys, keys)) problems.Enqueue($"{code} {path}: key shown: {bad}");
                }
            }
            Assert.True(problems.IsEmpty, "Pages with problems:\n" + string.Join("\n", problems));
            foreach (var code in Codes)
                foreach (var (name, _, _) in pages)
                    Assert.True(new FileInfo(Path.Combine(RepoPaths.Root, "artifacts", "screenshots", code, name + ".png")).Length > 0, $"{code}/{name}.png");
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
