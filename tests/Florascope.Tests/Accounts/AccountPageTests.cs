using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.Accounts;

/// <summary>The account page in headless Chromium: no open redirect after sign-in; sign out everywhere; names shown with the user name.</summary>
[Trait("Category", "Slow")]
public sealed class AccountPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignInNeverLeavesTheOriginAndSignOutEverywhereEndsOtherSessions()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero)));
        try
        {
            using (var account = new ObservatoryClient(host.BaseAddress)) await account.SignedUpAsync("redirected");
            var origin = host.BaseAddress.GetLeftPart(UriPartial.Authority);
            var context = await browser.NewContextAsync();
            // Loopback only: any request elsewhere is aborted (the map's tiles too); a page navigation elsewhere is the failure.
            var offsite = new List<string>();
            await context.RouteAsync("**/*", async route =>
            {
                if (route.Request.Url.StartsWith(origin + "/", StringComparison.Ordinal)) { await route.ContinueAsync(); return; }
                if (route.Request.IsNavigationRequest) lock (offsite) offsite.Add(route.Request.Url);
                await route.AbortAsync();
            });
            var page = await context.NewPageAsync();

            string[] attacks = ["%2F%5Cexample.invalid", "//example.invalid", "https://example.invalid/", "/\\example.invalid",
                "javascript:document.body.dataset.pwned=1", "%2F%09%2Fexample.invalid", "/.//example.invalid", "http:example.invalid"];
            foreach (var attack in attacks)
            {
                var escaped = attack.Contains('%', StringComparison.Ordinal) ? attack : Uri.EscapeDataString(attack);
                await page.GotoAsync($"{origin}/account?return={escaped}");
                await page.FillAsync("#signin input[name=login]", "redirected");
                await page.FillAsync("#signin input[name=password]", ObservatoryClient.Password);
                await page.ClickAsync("#signin button");
                await page.WaitForSelectorAsync("body[data-signed-in]", new() { Timeout = 20_000 });
                Assert.StartsWith(origin + "/account", page.Url, StringComparison.Ordinal);
                Assert.Null(await page.GetAttributeAsync("body", "data-pwned"));
                await context.ClearCookiesAsync();
            }
            Assert.Empty(offsite);

            // A path of this site is where the browser goes back to.
            await page.GotoAsync($"{origin}/account?return=%2Fmap%3Fx%3D1");
            await page.FillAsync("#signin input[name=login]", "redirected");
            await page.FillAsync("#signin input[name=password]", ObservatoryClient.Password);
            await page.ClickAsync("#signin button");
            await page.WaitForURLAsync($"{origin}/map?x=1");

            // Another session of the same account, ended by the button of the account page.
            using var other = new ObservatoryClient(host.BaseAddress);
            using (var r = await other.SignInAsync("redirected")) await r.JsonAsync();
            await page.GotoAsync($"{origin}/account");
            await page.WaitForSelectorAsync("body[data-signed-in]");
            Assert.Contains("@redirected", await page.InnerTextAsync("#me"), StringComparison.Ordinal);
            Assert.True(await page.Locator("#sessionlist li").CountAsync() >= 2);
            await page.ClickAsync("#signouteverywhere button");
            await page.WaitForSelectorAsync("body:not([data-signed-in]) #signin:not([hidden])");
            using (var me = await other.Http.GetAsync("api/account/me", Ct)) await me.ErrorAsync(401);
            Assert.Empty(offsite);
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task TwoAlicesAreToldApartByTheirUserNames()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero)));
        try
        {
            using var real = new ObservatoryClient(host.BaseAddress);
            using var impostor = new ObservatoryClient(host.BaseAddress);
            foreach (var (client, name) in new[] { (real, "alice"), (impostor, "eve") })
                using (var r = await client.PostFormAsync("api/account/signup",
                    [new("userName", name), new("email", name + "@example.org"), new("password", ObservatoryClient.Password), new("displayName", "Alice")]))
                    await r.JsonAsync();
            var id = (await real.CreatedAsync())["id"]!.GetValue<int>();
            using (var identify = await impostor.IdentifyAsync(id, "Taraxacum officinale")) await identify.JsonAsync();

            // The API carries both names everywhere a person is named.
            var detail = await real.Http.GetJsonAsync($"api/observations/{id}");
            Assert.Equal(("Alice", "alice"), (detail["authorName"]!.GetValue<string>(), detail["authorUserName"]!.GetValue<string>()));
            Assert.Equal(["alice", "eve"], detail["identifications"]!.AsArray().Select(i => i!["userName"]!.GetValue<string>()));
            Assert.All(detail["identifications"]!.AsArray(), i => Assert.Equal("Alice", i!["displayName"]!.GetValue<string>()));
            Assert.Equal(["Alice (@alice)", "Alice (@eve)"], detail["revision"]!["votes"]!.AsArray()
                .Where(v => v!["userId"] is not null).Select(v => v!["voter"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            var latest = (await real.Http.GetJsonAsync("api/observations")).AsArray();
            Assert.Equal("alice", latest[0]!["authorUserName"]!.GetValue<string>());

            var page = await Browser.PhonePageAsync(browser);
            await page.GotoAsync(new Uri(host.BaseAddress, $"/observations/{id}").ToString());
            await page.WaitForSelectorAsync("body[data-loaded]");
            Assert.Contains("Alice (@alice)", await page.InnerTextAsync("#facts"), StringComparison.Ordinal);
            var identifications = await page.InnerTextAsync("#ids");
            Assert.Contains("Alice (@alice)", identifications, StringComparison.Ordinal);
            Assert.Contains("Alice (@eve)", identifications, StringComparison.Ordinal);
            await page.GotoAsync(new Uri(host.BaseAddress, "/observations").ToString());
            await page.WaitForSelectorAsync("body[data-loaded]");
            Assert.Contains("Alice (@alice)", await page.InnerTextAsync("#list"), StringComparison.Ordinal);
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
