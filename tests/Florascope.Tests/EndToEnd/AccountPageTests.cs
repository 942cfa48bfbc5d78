using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// The account page on a phone (390 x 844): the user-name rule before sign-up, then my figures, my
/// observations (a page at a time) and my identifications with whether the community agrees.
/// (Sign-in redirects and sessions: Accounts/AccountPageTests.)
/// </summary>
[Trait("Category", "Slow")]
public sealed class AccountPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MyObservationsIdentificationsAndFigures()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            await using var context = await ObservationPageTests.PhoneAsync(browser);
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, m) => errors.Add(m);

            // Signed out: the rule is stated before anything is sent.
            await page.GotoAsync(new Uri(host.BaseAddress, "/account").ToString());
            await page.WaitForSelectorAsync("body[data-i18n]", new() { State = WaitForSelectorState.Attached });
            var rule = await page.InnerTextAsync("#username-rule");
            Assert.StartsWith("3 to 40 characters", rule, StringComparison.Ordinal);
            Assert.True(await page.IsVisibleAsync("#username-rule"));
            Assert.Equal(rule, await page.GetAttributeAsync("#username", "title"));
            Assert.Equal("username-rule", await page.GetAttributeAsync("#username", "aria-describedby"));

            await Browser.SignUpInAppAsync(page, host.BaseAddress, "walker");
            using var me = new ObservatoryClient(host.BaseAddress);
            using (var r = await me.SignInAsync("walker", "a long enough password")) Assert.True(r.IsSuccessStatusCode);
            for (var i = 0; i < 11; i++) await me.CreatedAsync();

            // Others' observations: a sure dandelion I agree with, one where I name something else, one I don't know.
            using var other = new ObservatoryClient(host.BaseAddress);
            await other.SignedUpAsync("other");
            var agreed = (await other.CreatedAsync())["id"]!.GetValue<int>();
            var differs = (await other.CreatedAsync())["id"]!.GetValue<int>();
            var unsure = (await other.CreatedAsync(Photos.Plant("Taraxacum_officinale", 1), []))["id"]!.GetValue<int>();
            using (var r = await me.IdentifyAsync(agreed, "Taraxacum officinale")) Assert.True(r.IsSuccessStatusCode);
            using (var r = await me.IdentifyAsync(differs, "Ranunculus acris")) Assert.True(r.IsSuccessStatusCode);
            using (var r = await me.IdentifyAsync(unsure, "")) Assert.True(r.IsSuccessStatusCode);

            await page.GotoAsync(new Uri(host.BaseAddress, "/account").ToString());
            await page.WaitForSelectorAsync("body[data-signed-in='walker']", new() { State = WaitForSelectorState.Attached });
            Assert.False(await page.IsVisibleAsync("#signup"));

            // My observations, ten at a time.
            Assert.Equal(10, await page.Locator("#obslist li").CountAsync());
            Assert.Equal(10, await page.Locator("#obslist li .badge[data-status]").CountAsync());
            var more = (await page.Locator("#moreobs").BoundingBoxAsync())!;
            Assert.True(more.Height >= 44, $"More is {more.Height} px high");
            await page.ClickAsync("#moreobs");
            await page.WaitForSelectorAsync("#obslist[data-count='11']");
            Assert.False(await page.IsVisibleAsync("#moreobs"));

            // My identifications, with the community's answer; "I don't know" as such.
            var ids = page.Locator("#idlist li");
            Assert.Equal(3, await ids.CountAsync());
            Assert.Equal("agrees", await page.GetAttributeAsync($"#idlist li[data-observation='{agreed}'] [data-agreement]", "data-agreement"));
            Assert.Equal("differs", await page.GetAttributeAsync($"#idlist li[data-observation='{differs}'] [data-agreement]", "data-agreement"));
            Assert.Equal("undecided", await page.GetAttributeAsync($"#idlist li[data-observation='{unsure}'] [data-agreement]", "data-agreement"));
            Assert.Equal("My name: Ranunculus acris", await page.InnerTextAsync($"#idlist li[data-observation='{differs}'] .mine-taxon"));
            Assert.Equal("My name: I don't know", await page.InnerTextAsync($"#idlist li[data-observation='{unsure}'] .mine-taxon"));

            // My figures: 11 observations, 3 identifications of others', 1 of the 2 named and decided agrees.
            Assert.Equal("11", await page.InnerTextAsync("#stats dd[data-field=observations]"));
            Assert.Equal("3", await page.InnerTextAsync("#stats dd[data-field=identifications]"));
            Assert.Equal("50%", await page.InnerTextAsync("#stats dd[data-field=agreementRate]"));
            Assert.Equal($"/users/{me.UserId}", await page.GetAttributeAsync("#profilelink", "href"));
            Assert.Equal(390, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("account-lists"), FullPage = true });

            // The API: mine only, signed in only, bad pages refused with the documented body.
            var list = (await me.Http.GetJsonAsync("api/account/identifications?pageSize=2")).AsArray();
            Assert.Equal([unsure, differs], list.Select(x => x!["observationId"]!.GetValue<int>()));
            Assert.Null(list[0]!["myTaxonName"]);
            Assert.Equal("Taraxacum officinale", list[1]!["taxonName"]!.GetValue<string>());
            Assert.False(list[1]!["agrees"]!.GetValue<bool>());
            using (var r = await me.Http.GetAsync("api/account/identifications?pageSize=0", Ct)) await r.ErrorAsync(400);
            using (var r = await me.Http.GetAsync("api/account/identifications?page=0", Ct)) await r.ErrorAsync(400);
            using (var r = await host.Client.GetAsync("/api/account/identifications", Ct)) Assert.Equal(401, (int)r.StatusCode);
            Assert.Empty((await other.Http.GetJsonAsync("api/account/identifications")).AsArray());
            Assert.Empty(errors);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
