using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// The observation page on a phone (390 x 844, touch): the status in plain words first, "Agree" in one
/// tap, "I don't know" shown as such, the table folded behind "Details", and the author's edit and delete.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ObservationPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheStatusInWordsAgreeInOneTapAndTheDetailsFolded()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            // The author says chickweed (weight 0.74); the demo model is unsure of this photo (0.39 < 0.7): it does not vote.
            await using var authorContext = await PhoneAsync(browser);
            var authorPage = await authorContext.NewPageAsync();
            await Browser.SignUpInAppAsync(authorPage, host.BaseAddress, "author");
            using var author = new ObservatoryClient(host.BaseAddress);
            using (var r = await author.SignInAsync("author", "a long enough password")) Assert.True(r.IsSuccessStatusCode);
            var id = (await author.CreatedAsync(Photos.Plant("Stellaria_media"), [new("taxon", "Stellaria media")]))["id"]!.GetValue<int>();
            var errors = new List<string>();
            authorPage.PageError += (_, m) => errors.Add(m);

            // The author: the words, no "Agree" (the current name is theirs), the table folded.
            await OpenAsync(authorPage, host, $"/observations/{id}");
            Assert.Equal("needs-agreement", await authorPage.GetAttributeAsync("#standing", "data-kind"));
            Assert.Equal("Proposed: Stellaria media. It needs more agreeing votes to be valid.", await authorPage.InnerTextAsync("#standing-text"));
            // 0.74 + 2 x 0.74 = 2.23 > 2; one experienced identifier (w(8) = 2.05): 2.80 > 2.
            Assert.Equal("Agreeing votes still needed for Stellaria media: 2, or 1 from experienced identifiers.", await authorPage.InnerTextAsync("#needed"));
            Assert.False(await authorPage.IsVisibleAsync("#agree"));
            Assert.False(await authorPage.IsVisibleAsync("#agreed"));
            Assert.False(await authorPage.IsVisibleAsync("#votes"));
            await authorPage.ClickAsync("#details summary");
            Assert.True(await authorPage.IsVisibleAsync("#votes"));
            Assert.Equal(1, await authorPage.Locator("#votes tbody tr").CountAsync());

            // Someone else agrees in one tap; a double tap sends one identification.
            await using var friendContext = await PhoneAsync(browser);
            var page = await friendContext.NewPageAsync();
            page.PageError += (_, m) => errors.Add(m);
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "friend");
            var posts = 0;
            page.Request += (_, r) => { if (r.Method == "POST" && r.Url.Contains("/identifications", StringComparison.Ordinal)) Interlocked.Increment(ref posts); };
            await OpenAsync(page, host, $"/observations/{id}");
            Assert.Equal("Agree: Stellaria media", await page.InnerTextAsync("#agree"));
            var box = (await page.Locator("#agree").BoundingBoxAsync())!;
            Assert.True(box.Height >= 44 && box.Width >= 44, $"Agree is {box.Width} x {box.Height}");
            await page.Locator("#agree").DblClickAsync();
            await page.WaitForSelectorAsync("body[data-agreed='Stellaria media']");
            await page.WaitForSelectorAsync("#agreed:not([hidden])");
            Assert.Equal(1, posts);
            Assert.False(await page.IsVisibleAsync("#agree"));
            Assert.Equal("✓ You agree with Stellaria media.", await page.InnerTextAsync("#agreed"));
            // 0.74 + 0.74 = 1.48: one more vote of any weight makes it 2.23 or 3.54 > 2.
            Assert.Equal("Agreeing votes still needed for Stellaria media: 1.", await page.InnerTextAsync("#needed"));

            // A dissenting name splits the community; "I don't know" is shown as an answer, never as a taxon.
            using (var critic = new ObservatoryClient(host.BaseAddress))
            {
                await critic.SignedUpAsync("critic");
                using (var r = await critic.IdentifyAsync(id, "Galium aparine")) Assert.True(r.IsSuccessStatusCode);
            }
            using (var unsure = new ObservatoryClient(host.BaseAddress))
            {
                await unsure.SignedUpAsync("unsure");
                using (var r = await unsure.IdentifyAsync(id, "")) Assert.True(r.IsSuccessStatusCode);
            }
            await OpenAsync(page, host, $"/observations/{id}");
            Assert.Equal("split", await page.GetAttributeAsync("#standing", "data-kind"));
            Assert.Equal("The community is split between Stellaria media and Galium aparine.", await page.InnerTextAsync("#standing-text"));
            var dontKnow = page.Locator("#ids li.dontknow");
            Assert.Equal(1, await dontKnow.CountAsync());
            Assert.Equal("I don't know", await dontKnow.Locator(".dontknow-label").InnerTextAsync());
            Assert.Equal(0, await dontKnow.Locator("strong").CountAsync());
            Assert.Equal("✓ You agree with Stellaria media.", await page.InnerTextAsync("#agreed"));
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("observation-standing"), FullPage = true });

            // In French: the same words, translated.
            await page.Context.AddCookiesAsync([new Cookie { Name = "lang", Value = "fr", Url = host.BaseAddress.GetLeftPart(UriPartial.Authority) }]);
            await OpenAsync(page, host, $"/observations/{id}");
            Assert.Equal("La communauté est partagée entre Stellaria media et Galium aparine.", await page.InnerTextAsync("#standing-text"));
            Assert.Equal("Je ne sais pas", await dontKnow.Locator(".dontknow-label").InnerTextAsync());
            Assert.Empty(errors);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task TheAuthorEditsAndDeletesTheirObservationInThePage()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            await using var context = await PhoneAsync(browser);
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, m) => errors.Add(m);
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "author");
            using var author = new ObservatoryClient(host.BaseAddress);
            using (var r = await author.SignInAsync("author", "a long enough password")) Assert.True(r.IsSuccessStatusCode);
            // Seen at 10:00 at UTC+02:00 (08:00 UTC).
            var id = (await author.CreatedAsync(fields: [new("taxon", "Taraxacum officinale"), new("latitude", "44.8"), new("longitude", "0.58"),
                new("observedUtc", "2026-04-12T08:00:00Z"), new("observedOffset", "120"), new("notes", "roadside")]))["id"]!.GetValue<int>();

            // Anyone else: no edit, no delete.
            await using (var otherContext = await PhoneAsync(browser))
            {
                var other = await otherContext.NewPageAsync();
                await Browser.SignUpInAppAsync(other, host.BaseAddress, "someone");
                await OpenAsync(other, host, $"/observations/{id}");
                Assert.False(await other.IsVisibleAsync("#mine"));
                Assert.False(await other.IsVisibleAsync("#delete"));
            }

            await OpenAsync(page, host, $"/observations/{id}");
            Assert.True(await page.IsVisibleAsync("#mine"));
            await page.ClickAsync("#editbox summary");
            // The date as the observer's wall clock, at its own offset.
            Assert.Equal("2026-04-12T10:00", await page.InputValueAsync("#edit-observed"));
            Assert.Equal("roadside", await page.InputValueAsync("#edit-notes"));
            await page.FillAsync("#edit-observed", "2026-04-13T11:30");
            await page.FillAsync("#edit-latitude", "44,5");
            await page.FillAsync("#edit-notes", "under the old oak");
            await page.SelectOptionAsync("#edit-license", "cc0");
            await page.ClickAsync("#edit button[type=submit]");
            await page.WaitForSelectorAsync("body[data-edited='1']");
            Assert.Equal("Saved: your changes are in.", await page.InnerTextAsync("#mine-status"));
            var facts = await page.InnerTextAsync("#facts");
            Assert.Contains("under the old oak", facts, StringComparison.Ordinal);
            Assert.Contains("CC0", facts, StringComparison.Ordinal);
            Assert.Contains("44.5, 0.58", facts, StringComparison.Ordinal);
            var saved = await author.Http.GetJsonAsync($"api/observations/{id}");
            Assert.Equal(new DateTime(2026, 4, 13, 9, 30, 0, DateTimeKind.Utc), saved["observedUtc"]!.GetValue<DateTime>().ToUniversalTime());
            Assert.Equal(120, saved["observedOffsetMinutes"]!.GetValue<int>());
            Assert.Equal(44.5, saved["latitude"]!.GetValue<double>());
            Assert.Equal("cc0", saved["license"]!.GetValue<string>());

            // A bad value: the server's message, nothing stored.
            await page.ClickAsync("#editbox summary");
            await page.FillAsync("#edit-latitude", "95");
            await page.ClickAsync("#edit button[type=submit]");
            await page.WaitForFunctionAsync("() => document.getElementById('mine-status').textContent.includes('atitude')");
            Assert.Equal(44.5, (await author.Http.GetJsonAsync($"api/observations/{id}"))["latitude"]!.GetValue<double>());

            // Delete asks first: "Keep it" keeps it; "Yes, delete it" deletes it and goes to the account page.
            await page.ClickAsync("#delete");
            Assert.True(await page.IsVisibleAsync("#confirm"));
            await page.ClickAsync("#confirm-no");
            Assert.False(await page.IsVisibleAsync("#confirm"));
            using (var still = await host.Client.GetAsync($"/api/observations/{id}", Ct)) Assert.True(still.IsSuccessStatusCode);
            await page.ClickAsync("#delete");
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("observation-delete-confirm"), FullPage = true });
            await page.ClickAsync("#confirm-yes");
            await page.WaitForURLAsync($"**/account?deleted={id}");
            await page.WaitForSelectorAsync("body[data-signed-in]", new() { State = WaitForSelectorState.Attached });
            Assert.Equal($"Observation {id} is deleted.", await page.InnerTextAsync("#me"));
            using (var gone = await host.Client.GetAsync($"/api/observations/{id}", Ct)) await gone.ErrorAsync(404);
            Assert.Empty(errors);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    internal static Task<IBrowserContext> PhoneAsync(IBrowser browser) => browser.NewContextAsync(new BrowserNewContextOptions
    {
        ViewportSize = new ViewportSize { Width = 390, Height = 844 }, HasTouch = true, IsMobile = true,
    });

    private static async Task OpenAsync(IPage page, FlorascopeHost host, string path)
    {
        await page.GotoAsync(new Uri(host.BaseAddress, path).ToString());
        await page.WaitForSelectorAsync("body[data-loaded='true']", new() { State = WaitForSelectorState.Attached });
    }
}
