using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>A person's public profile (/users/{id}) on a phone: names, public figures, observations; nothing private.</summary>
[Trait("Category", "Slow")]
public sealed class ProfilePageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AProfileShowsThePersonTheirFiguresAndObservationsButNothingPrivate()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            using var author = new ObservatoryClient(host.BaseAddress);
            await author.SignedUpAsync("botanist");
            // A sure dandelion (valid at once: the author and the model agree), and one whose place is private.
            await author.CreatedAsync();
            var hidden = (await author.CreatedAsync(fields: [new("taxon", "Taraxacum officinale"), new("latitude", "44.812345"),
                new("longitude", "0.587654"), new("geoprivacy", "private")]))["id"]!.GetValue<int>();
            using var voter = new ObservatoryClient(host.BaseAddress);
            await voter.SignedUpAsync("voter");

            // The API: public figures, no e-mail; a missing person is a documented 404.
            var profile = (await host.Client.GetJsonAsync($"/api/users/{author.UserId}")).AsObject();
            Assert.Equal("botanist", profile["userName"]!.GetValue<string>());
            Assert.Equal(2, profile["observations"]!.GetValue<int>());
            Assert.Equal(2, profile["validObservations"]!.GetValue<int>());
            Assert.Equal(1, profile["species"]!.GetValue<int>());
            Assert.Null(profile["agreementRate"]);
            Assert.DoesNotContain(profile, p => p.Key.Contains("mail", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("example.org", profile.ToJsonString(), StringComparison.Ordinal);
            using (var r = await host.Client.GetAsync("/api/users/999999", Ct)) await r.ErrorAsync(404);

            await using var context = await ObservationPageTests.PhoneAsync(browser);
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, m) => errors.Add(m);
            await page.GotoAsync(new Uri(host.BaseAddress, $"/users/{author.UserId}").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='2']", new() { State = WaitForSelectorState.Attached });
            Assert.Equal("botanist", await page.InnerTextAsync("h1"));
            // The user name is a left-to-right isolate (U+2066 ... U+2069), so it reads "@botanist" in Arabic too.
            Assert.StartsWith("\u2066@botanist\u2069 · member since ", await page.InnerTextAsync("#handle"), StringComparison.Ordinal);
            Assert.Equal("2", await page.InnerTextAsync("#stats dd[data-field=observations]"));
            Assert.Equal("1", await page.InnerTextAsync("#stats dd[data-field=species]"));
            Assert.Equal("—", await page.InnerTextAsync("#stats dd[data-field=agreementRate]"));
            Assert.Equal(2, await page.Locator("#list li").CountAsync());
            Assert.Equal(1, await page.Locator($"#list li a[href='/observations/{hidden}']").CountAsync());
            var text = await page.InnerTextAsync("main");
            Assert.DoesNotContain("example.org", text, StringComparison.Ordinal);
            Assert.DoesNotContain("44.8", text, StringComparison.Ordinal);
            Assert.DoesNotContain("44.8", await page.ContentAsync(), StringComparison.Ordinal);
            Assert.Equal(390, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("profile-en"), FullPage = true });

            // Someone with nothing yet, and no such person.
            await page.GotoAsync(new Uri(host.BaseAddress, $"/users/{voter.UserId}").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='0']", new() { State = WaitForSelectorState.Attached });
            Assert.True(await page.IsVisibleAsync("#none"));
            await page.GotoAsync(new Uri(host.BaseAddress, "/users/999999").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='error']", new() { State = WaitForSelectorState.Attached });
            Assert.Contains("999999", await page.InnerTextAsync("#status"), StringComparison.Ordinal);

            // In Arabic: right to left, translated.
            await context.AddCookiesAsync([new Cookie { Name = "lang", Value = "ar", Url = host.BaseAddress.GetLeftPart(UriPartial.Authority) }]);
            await page.GotoAsync(new Uri(host.BaseAddress, $"/users/{author.UserId}").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='2']", new() { State = WaitForSelectorState.Attached });
            Assert.Equal("rtl", await page.GetAttributeAsync("html", "dir"));
            Assert.Equal("أرقام", await page.InnerTextAsync("#figures-title"));
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("profile-ar"), FullPage = true });
            Assert.Empty(errors);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
