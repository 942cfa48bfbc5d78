using System.Collections.Concurrent;
using System.Text.Json;
using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// Every page in each of the 13 languages, in headless Chromium on a phone screen, signed in as the
/// administrator: the language comes from the browser's (no choice stored), no visible text is a
/// translation key, and Arabic pages run right to left. One browser, one context per language,
/// pages in sequence. Tiles are answered locally; nothing leaves the machine.
/// </summary>
[Trait("Category", "Slow")]
public sealed class LanguagePagesTests
{
    // The browser's locale per language: regional ones too, since only the primary subtag chooses the file.
    private static string BrowserLocale(string code) => code switch { "pt" => "pt-BR", "zh" => "zh-CN", "en" => "en-GB", _ => code };

    // Visible texts (own text nodes, placeholders, labels, titles, options of visible selects, the
    // document's title) that equal a key of en.json or look like one ("word.word").
    private const string FindKeys = """
        keys => {
          const known = new Set(keys);
          const keyLike = /^[a-z]+(\.[a-z][a-z0-9-]*)+$/;
          const bad = [];
          const check = (where, text) => { const t = (text || '').trim(); if (t && (known.has(t) || keyLike.test(t))) bad.push(where + ': ' + t); };
          check('title', document.title);
          for (const e of document.querySelectorAll('body *')) {
            if (e.closest('script, style, template, datalist')) continue;
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
    public async Task EveryPageInEveryLanguageShowsTextsNotKeysAndArabicRunsRightToLeft()
    {
        var keys = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Florascope.Web", "wwwroot", "i18n", "en.json")))
            .RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            // The first account is the founder, an administrator: /models shows its history.
            using var admin = new ObservatoryClient(host.BaseAddress);
            Assert.True((await admin.SignUpAsync("langadmin", "langadmin@example.org")).IsSuccessStatusCode);
            var observation = (await admin.CreatedAsync(fields: [new("taxon", "Taraxacum officinale"), new("latitude", "45.76"), new("longitude", "4.84")]))["id"]!.GetValue<int>();

            var phone = new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, HasTouch = true };
            string signedIn;
            await using (var signIn = await browser.NewContextAsync(phone))
            {
                var page = await signIn.NewPageAsync();
                await page.GotoAsync(new Uri(host.BaseAddress, "/account?return=/app").ToString());
                await page.FillAsync("#signin input[name=login]", "langadmin");
                await page.FillAsync("#signin input[name=password]", ObservatoryClient.Password);
                await page.ClickAsync("#signin button");
                await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/app");
                await page.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached });
                signedIn = await signIn.StorageStateAsync();
            }

            var pages = new (string Name, string Path, string Ready)[]
            {
                ("app", "/app", "body[data-ready]"),
                ("account", "/account", "body[data-i18n]"),
                ("observations", "/observations", "body[data-loaded]"),
                ("observation", $"/observations/{observation}", "body[data-loaded]"),
                ("taxon", "/taxa/Taraxacum%20officinale", "body[data-loaded]"),
                ("user", $"/users/{admin.UserId}", "body[data-loaded]"),
                ("search", "/search", "body[data-i18n]"),
                ("map", "/map", "body[data-loaded]"),
                ("help", "/help", "body[data-loaded]"),
                ("stats", "/stats", "body[data-loaded]"),
                ("models", "/models", "body[data-loaded]"),
            };
            var problems = new ConcurrentQueue<string>();
            foreach (var code in Languages.All)
            {
                await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
                {
                    ViewportSize = phone.ViewportSize, HasTouch = true, Locale = BrowserLocale(code), StorageState = signedIn,
                });
                await Browser.KeepRequestsLocalAsync(context, host.BaseAddress, onElsewhere: url => problems.Enqueue($"{code}: request off the machine {url}"));
                var page = await context.NewPageAsync();
                foreach (var (name, path, ready) in pages)
                {
                    await page.GotoAsync(new Uri(host.BaseAddress, path).ToString());
                    try
                    {
                        await page.WaitForSelectorAsync($"body[data-i18n='{code}']", new() { State = WaitForSelectorState.Attached });
                        await page.WaitForSelectorAsync(ready, new() { State = WaitForSelectorState.Attached });
                    }
                    catch (TimeoutException)
                    {
                        await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath($"lang-timeout-{code}-{name}"), FullPage = true });
                        problems.Enqueue($"{code} {path}: never showed {ready} in {code}");
                        continue;
                    }
                    Assert.Equal(code, await page.EvaluateAsync<string>("() => document.documentElement.lang"));
                    // Signed in as the administrator: the model history is shown, not refused.
                    if (name == "models") Assert.DoesNotMatch("^40[13]$", await page.EvaluateAsync<string>("() => document.body.dataset.loaded"));
                    foreach (var bad in await page.EvaluateAsync<string[]>(FindKeys, keys)) problems.Enqueue($"{code} {path}: {bad}");
                    var direction = await page.EvaluateAsync<string>("() => document.documentElement.dir");
                    var headerDirection = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('header.bar')).direction");
                    var expected = code == "ar" ? "rtl" : "ltr";
                    if (direction != expected || headerDirection != expected) problems.Enqueue($"{code} {path}: dir={direction}, header direction={headerDirection}, expected {expected}");
                    if (code == "ar") await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath($"ar-{name}"), FullPage = true });
                }

                // The header's selector lists the 13 languages by their own names, the page's selected.
                var options = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#lang option')].map(o => o.value + ':' + o.textContent)");
                Assert.Equal(Languages.All, options.Select(o => o.Split(':')[0]));
                Assert.Contains("ar:العربية", options);
                Assert.Equal(code, await page.InputValueAsync("#lang"));
            }

            // A choice in the header wins over the browser's language, on this device.
            await using (var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "fr-FR", StorageState = signedIn }))
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync(new Uri(host.BaseAddress, "/search").ToString());
                await page.WaitForSelectorAsync("body[data-i18n='fr']", new() { State = WaitForSelectorState.Attached });
                await page.SelectOptionAsync("#lang", "ja");
                await page.WaitForSelectorAsync("body[data-i18n='ja']", new() { State = WaitForSelectorState.Attached });
                Assert.Equal("名前で検索", await page.InnerTextAsync("h1"));
                await page.GotoAsync(new Uri(host.BaseAddress, "/stats").ToString());
                await page.WaitForSelectorAsync("body[data-i18n='ja']", new() { State = WaitForSelectorState.Attached });
            }

            Assert.True(problems.IsEmpty, "Pages showing keys or the wrong direction:\n" + string.Join("\n", problems));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
