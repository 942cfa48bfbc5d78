using Deque.AxeCore.Playwright;
using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// Every page on a 390 x 844 phone, signed in as the administrator (the app, account and list also signed
/// out): axe-core finds no serious or critical violation, every visible control is at least 44 x 44 CSS px
/// (WCAG 2.5.5; exceptions below), and photos' alternative texts say what they show, not a file name.
/// Tiles are answered locally.
/// </summary>
[Trait("Category", "Slow")]
public sealed class AccessibilityPagesTests
{
    // Visible controls smaller than 44 px either way. Two exceptions, both from WCAG 2.5.8: a link inside
    // running text (a paragraph, or the map's attribution line, holding other text than the link), and a
    // map marker (drawn at its position; the same observations are listed as links on the page).
    // A checkbox or radio counts by its label when the label wraps it (the label is the target).
    internal const string SmallTargets = """
        () => {
          const inRunningText = a => {
            if (a.tagName !== 'A') return false;
            const p = a.parentElement.closest('p, .leaflet-control-attribution');
            return !!p && p.textContent.trim().length > a.textContent.trim().length;
          };
          const bad = [];
          for (const e of document.querySelectorAll('a[href], button, select, input, textarea, summary, [role=button]')) {
            if (e.type === 'hidden' || !e.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
            if (inRunningText(e) || e.classList.contains('leaflet-marker-icon')) continue;
            let target = e;
            if ((e.type === 'checkbox' || e.type === 'radio' || e.type === 'file') && e.closest('label')) target = e.closest('label');
            const r = target.getBoundingClientRect();
            if (r.width === 0 && r.height === 0) continue;
            if (r.width < 43.5 || r.height < 43.5) {
              const name = (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '');
              bad.push(`${e.tagName.toLowerCase()}${name} "${(e.textContent || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
            }
          }
          return bad;
        }
        """;

    // Photos whose alternative text is missing, empty or a file name (map tiles and markers aside: Leaflet's own).
    internal const string BadAlts = """
        () => [...document.querySelectorAll('img')]
          .filter(i => !i.closest('.leaflet-pane') && i.checkVisibility())
          .filter(i => !(i.alt || '').trim() || /\.(jpe?g|png|webp|gif)$/i.test(i.alt.trim()) || /^[\w-]+_\w+/.test(i.alt.trim()))
          .map(i => `img ${i.src.slice(0, 60)} alt="${i.alt}"`)
        """;

    [Fact]
    public async Task EveryPageHasNoSeriousAxeViolationAndTapTargetsOf44Px()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            // The first account is the founder, an administrator: /models shows its history.
            using var admin = new ObservatoryClient(host.BaseAddress);
            Assert.True((await admin.SignUpAsync("a11yadmin", "a11yadmin@example.org")).IsSuccessStatusCode);
            var observation = (await admin.CreatedAsync(fields: [new("taxon", "Taraxacum officinale"), new("latitude", "45.76"), new("longitude", "4.84")]))["id"]!.GetValue<int>();

            var phone = new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, HasTouch = true, Locale = "en-GB" };
            var problems = new List<string>();

            // Signed out: the account page (sign-in and sign-up forms).
            await using (var anonymous = await browser.NewContextAsync(phone))
            {
                await Browser.KeepRequestsLocalAsync(anonymous, host.BaseAddress);
                var page = await anonymous.NewPageAsync();
                await CheckAsync(page, host.BaseAddress, "account (signed out)", "/account", "body[data-i18n]", problems);
                await CheckAsync(page, host.BaseAddress, "app (signed out)", "/app", "body[data-ready]", problems);
                await CheckAsync(page, host.BaseAddress, "observations (signed out)", "/observations", "body[data-loaded]", problems);
            }

            string signedIn;
            await using (var signIn = await browser.NewContextAsync(phone))
            {
                var page = await signIn.NewPageAsync();
                await page.GotoAsync(new Uri(host.BaseAddress, "/account?return=/app").ToString());
                await page.FillAsync("#signin input[name=login]", "a11yadmin");
                await page.FillAsync("#signin input[name=password]", ObservatoryClient.Password);
                await page.ClickAsync("#signin button");
                await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/app");
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
            await using (var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = phone.ViewportSize, HasTouch = true, Locale = "en-GB", StorageState = signedIn,
            }))
            {
                await Browser.KeepRequestsLocalAsync(context, host.BaseAddress);
                var page = await context.NewPageAsync();
                foreach (var (name, path, ready) in pages) await CheckAsync(page, host.BaseAddress, name, path, ready, problems);

                // Photos say what they show: the observation's (taxon and organ), the list's thumbnails.
                await page.GotoAsync(new Uri(host.BaseAddress, $"/observations/{observation}").ToString());
                await page.WaitForSelectorAsync("body[data-loaded]", new() { State = WaitForSelectorState.Attached });
                Assert.StartsWith("Photo of Taraxacum officinale", await page.GetAttributeAsync("#photos img", "alt"), StringComparison.Ordinal);
                await page.GotoAsync(new Uri(host.BaseAddress, "/observations").ToString());
                await page.WaitForSelectorAsync("body[data-loaded]", new() { State = WaitForSelectorState.Attached });
                Assert.Equal("Photo of Taraxacum officinale", await page.GetAttributeAsync("#list img", "alt"));

                // The app with a photo chosen and results on screen: the preview, the organ selector, the
                // results' reference photos (taxon and organ) and their controls.
                var photo = Path.Combine(dir.Path, "IMG_0042.jpg");
                File.WriteAllBytes(photo, Photos.Plant("Helianthus_annuus").Data);
                await page.GotoAsync(new Uri(host.BaseAddress, "/app").ToString());
                await page.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached });
                await page.SetInputFilesAsync("#photos", photo);
                await page.WaitForSelectorAsync(".previews li");
                await page.ClickAsync(".previews button[data-organ=flower]");
                await page.ClickAsync("#go");
                await page.WaitForSelectorAsync(".results li img");
                Assert.Equal("Your photo 1", await page.GetAttributeAsync(".previews img", "alt"));
                Assert.StartsWith("Reference photo of Helianthus annuus", await page.GetAttributeAsync(".results li:first-child img", "alt"), StringComparison.Ordinal);
                await CheckCurrentAsync(page, "app (results)", "/app", problems);

                // In French the same texts are French.
                await context.AddCookiesAsync([new Cookie { Name = "lang", Value = "fr", Url = host.BaseAddress.GetLeftPart(UriPartial.Authority) }]);
                await page.GotoAsync(new Uri(host.BaseAddress, $"/observations/{observation}").ToString());
                await page.WaitForSelectorAsync("body[data-loaded]", new() { State = WaitForSelectorState.Attached });
                Assert.StartsWith("Photo de Taraxacum officinale", await page.GetAttributeAsync("#photos img", "alt"), StringComparison.Ordinal);
            }

            Assert.True(problems.Count == 0, "Accessibility problems:\n" + string.Join("\n", problems));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private static async Task CheckAsync(IPage page, Uri baseAddress, string name, string path, string ready, List<string> problems)
    {
        await page.GotoAsync(new Uri(baseAddress, path).ToString());
        await page.WaitForSelectorAsync(ready, new() { State = WaitForSelectorState.Attached });
        await CheckCurrentAsync(page, name, path, problems);
    }

    private static async Task CheckCurrentAsync(IPage page, string name, string path, List<string> problems)
    {
        var axe = await page.RunAxe();
        foreach (var v in axe.Violations.Where(v => v.Impact is "serious" or "critical"))
            foreach (var node in v.Nodes)
                problems.Add($"{path} ({name}): axe {v.Impact} {v.Id} at {node.Target}: {v.Help}; "
                    + string.Join(" ", (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []).Select(c => c.Message)));
        foreach (var small in await page.EvaluateAsync<string[]>(SmallTargets))
            problems.Add($"{path} ({name}): tap target under 44 px: {small}");
        foreach (var bad in await page.EvaluateAsync<string[]>(BadAlts))
            problems.Add($"{path} ({name}): alternative text not saying what the photo shows: {bad}");
    }
}
