using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// The small defects seen on a 390 x 844 phone (issue 12, section 1), each as the person met it:
/// a sixth photo dropped silently, a double tap sending two identifications, texts that should be
/// links, a stale "No network", a long API key widening the page, a revocation without confirmation,
/// a 401 and a /favicon.ico 404 on anonymous pages, date filters without labels.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PhoneDefectsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string PhotoFile(string dir, string name, string taxon)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, TestImages.WithExifGps(Photos.Plant(taxon).Data, 45.76, 4.84, new DateTime(2026, 5, 2, 9, 0, 0)));
        return path;
    }

    [Fact]
    public async Task SixPhotosKeepFiveAndSaySoAndADoubleTapIdentifiesOnce()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress);
            var page = await context.NewPageAsync();
            var identifications = 0;
            page.Request += (_, r) => { if (r.Method == "POST" && r.Url.Contains("/api/identify/", StringComparison.Ordinal)) Interlocked.Increment(ref identifications); };
            await page.GotoAsync(new Uri(host.BaseAddress, "/app").ToString());
            await page.WaitForSelectorAsync("body[data-limits]", new() { State = WaitForSelectorState.Attached });

            var six = Enumerable.Range(1, 6).Select(i => PhotoFile(dir.Path, $"p{i}.jpg", "Helianthus_annuus")).ToArray();
            await page.SetInputFilesAsync("#photos", six);
            await page.WaitForSelectorAsync("#status[data-toomany]", new() { State = WaitForSelectorState.Attached });
            Assert.Equal(5, await page.Locator(".previews li").CountAsync());
            Assert.Equal("At most 5 photos of one plant: the first 5 are kept.", await page.InnerTextAsync("#status"));

            // A double tap: one request, the button disabled while it runs and enabled after.
            await page.DblClickAsync("#go");
            await page.WaitForSelectorAsync(".results li");
            await page.WaitForSelectorAsync("#go:not([disabled])");
            Assert.Equal(1, identifications);

            // Signed out, the offer to keep it is a link to the account page that comes back here.
            Assert.Equal("/account?return=/app", await page.GetAttributeAsync("#saved a", "href"));

            // A failed request enables the button again too.
            await page.RouteAsync("**/api/identify/**", route => route.AbortAsync());
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync("#status[data-offline]", new() { State = WaitForSelectorState.Attached });
            await page.WaitForSelectorAsync("#go:not([disabled])");
            Assert.Equal(2, identifications);

            await page.ClickAsync("#saved a");
            await page.WaitForURLAsync("**/account?return=/app");
            await page.FillAsync("#signup input[name=userName]", "linked");
            await page.FillAsync("#signup input[name=email]", "linked@example.org");
            await page.FillAsync("#signup input[name=password]", "a long enough password");
            await page.ClickAsync("#signup button");
            await page.WaitForURLAsync("**/app");
            await page.WaitForSelectorAsync("body[data-ready]");
            await page.WaitForSelectorAsync("#account:text('Account')");

            // "Saved as observation N." links to it.
            await page.SetInputFilesAsync("#photos", six[0]);
            await page.WaitForSelectorAsync(".previews li");
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync("#save:not([hidden])");
            await page.ClickAsync("#save button[type=submit]");
            await page.WaitForSelectorAsync("#saved[data-observation]");
            var id = await page.GetAttributeAsync("#saved", "data-observation");
            Assert.Equal($"/observations/{id}", await page.GetAttributeAsync("#saved a", "href"));
            Assert.Equal($"Saved as observation {id}.", await page.InnerTextAsync("#saved a"));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task TheNoNetworkMessageGoesWhenTheOutboxIsSent()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress);
            var page = await context.NewPageAsync();
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "outboxer");
            await page.WaitForSelectorAsync("#account:text('Account')");

            await context.SetOfflineAsync(true);
            await page.SetInputFilesAsync("#photos", PhotoFile(dir.Path, "field.jpg", "Ranunculus_acris"));
            await page.WaitForSelectorAsync(".previews li");
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync("#save:not([hidden])");
            await page.ClickAsync("#save button[type=submit]");
            await page.WaitForSelectorAsync("#queue[data-count='1']");
            Assert.StartsWith("No network", await page.InnerTextAsync("#saved"), StringComparison.Ordinal);

            await context.SetOfflineAsync(false);
            await page.WaitForSelectorAsync("#queue[data-count='0']", new() { State = WaitForSelectorState.Attached });
            Assert.Single(JsonNode.Parse(await host.Client.GetStringAsync("/api/observations", Ct))!.AsArray());
            Assert.Equal("", (await page.TextContentAsync("#saved"))!.Trim());
            Assert.Equal("", (await page.TextContentAsync("#status"))!.Trim());
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task ALongKeyFitsThePhoneIsCopiedAndItsRevocationIsConfirmed()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress);
            await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = host.BaseAddress.GetLeftPart(UriPartial.Authority) });
            var page = await context.NewPageAsync();
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "keyholder");
            await page.GotoAsync(new Uri(host.BaseAddress, "/account").ToString());
            await page.WaitForSelectorAsync("body[data-signed-in]", new() { State = WaitForSelectorState.Attached });
            await page.FillAsync("#newkey input[name=name]", "field notebook");
            await page.ClickAsync("#newkey button");
            await page.WaitForSelectorAsync("#secret[data-key]");
            var key = (await page.GetAttributeAsync("#secret", "data-key"))!;
            Assert.Equal(390, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));

            await page.ClickAsync("#copykey");
            await page.WaitForSelectorAsync("#copykey:text('Copied')");
            Assert.Equal(key, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

            // Dismissed: the key stays; accepted: revoked.
            var dialogs = new ConcurrentQueue<string>();
            var accept = false;
            page.Dialog += async (_, dialog) =>
            {
                dialogs.Enqueue(dialog.Message);
                if (accept) await dialog.AcceptAsync(); else await dialog.DismissAsync();
            };
            await page.ClickAsync("#keylist button");
            Assert.Single(dialogs);
            Assert.Contains("field notebook", dialogs.Single(), StringComparison.Ordinal);
            using (var still = new HttpRequestMessage(HttpMethod.Get, "/v2/quota/daily?api-key=" + Uri.EscapeDataString(key)))
            using (var answer = await host.Client.SendAsync(still, Ct))
                Assert.True(answer.IsSuccessStatusCode, $"The key was revoked without confirmation ({(int)answer.StatusCode}).");
            accept = true;
            await page.ClickAsync("#keylist button");
            await page.WaitForSelectorAsync("#keylist li:has-text('revoked')");
            Assert.Equal(2, dialogs.Count);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task AnonymousPagesLogNoErrorHaveAnIconAndLabelledDateFilters()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            using var author = new ObservatoryClient(host.BaseAddress);
            Assert.True((await author.SignUpAsync("anonauthor", "anon@example.org")).IsSuccessStatusCode);
            var observation = (await author.CreatedAsync(fields: [new("taxon", "Taraxacum officinale"), new("latitude", "45.76"), new("longitude", "4.84")]))["id"]!.GetValue<int>();

            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress);
            var page = await context.NewPageAsync();
            var problems = new ConcurrentQueue<string>();
            page.Console += (_, m) => { if (m.Type == "error") problems.Enqueue($"{page.Url}: console: {m.Text}"); };
            page.PageError += (_, e) => problems.Enqueue($"{page.Url}: page error: {e}");
            page.Response += (_, r) => { if (r.Status >= 400) problems.Enqueue($"{page.Url}: {r.Status} {r.Url}"); };
            page.RequestFailed += (_, r) => problems.Enqueue($"{page.Url}: failed {r.Url} {r.Failure}");

            var pages = new (string Path, string Ready)[]
            {
                ("/", "body[data-limits]"), ("/app", "body[data-limits]"), ("/account", "body[data-i18n]"),
                ("/observations", "body[data-loaded]"), ($"/observations/{observation}", "body[data-loaded]"), ("/map", ".leaflet-tile-loaded"),
                ("/help", "body[data-loaded]"), ("/search", "body[data-i18n]"), ("/models", "body[data-loaded]"),
                ("/taxa/Taraxacum%20officinale", "body[data-loaded]"), ($"/users/{author.UserId}", "body[data-loaded]"), ("/stats", "body[data-i18n]"),
            };
            foreach (var (path, ready) in pages)
            {
                await page.GotoAsync(new Uri(host.BaseAddress, path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
                await page.WaitForSelectorAsync(ready, new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
            }
            Assert.True(problems.IsEmpty, "Anonymous pages logged errors:\n" + string.Join("\n", problems));

            // What a browser asks for its tab icon is the app's icon.
            using (var icon = await host.Client.GetAsync("/favicon.ico", Ct))
            {
                Assert.True(icon.IsSuccessStatusCode, ((int)icon.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
            }

            // Date filters have visible labels bound to them, in the page's language.
            foreach (var path in new[] { "/map", "/stats" })
            {
                await page.GotoAsync(new Uri(host.BaseAddress, path).ToString());
                await page.WaitForSelectorAsync("body[data-i18n='en']", new() { State = WaitForSelectorState.Attached });
                // On a phone the map's filters are folded under "Filters": one tap shows them.
                if (await page.Locator("#filterbox summary").CountAsync() > 0) await page.ClickAsync("#filterbox summary");
                Assert.Equal("from", await page.GetByLabel("From", new() { Exact = true }).GetAttributeAsync("name"));
                Assert.Equal("to", await page.GetByLabel("To", new() { Exact = true }).GetAttributeAsync("name"));
                Assert.True(await page.GetByText("From", new() { Exact = true }).IsVisibleAsync(), path);
            }
            // The language switch's choice: the cookie the server renders pages by.
            await page.EvaluateAsync("() => { localStorage.setItem('lang', 'fr'); document.cookie = 'lang=fr; path=/'; }");
            await page.GotoAsync(new Uri(host.BaseAddress, "/map").ToString());
            await page.WaitForSelectorAsync("body[data-i18n='fr']", new() { State = WaitForSelectorState.Attached });
            Assert.Equal("from", await page.GetByLabel("Du", new() { Exact = true }).GetAttributeAsync("name"));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
