using Deque.AxeCore.Playwright;
using Florascope.Data;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// /admin/keys in Chromium on a 390 x 844 phone: the founder flips "Allowed to survey" on a user's key and the
/// database follows; no serious axe violation, 44 px targets; the French page; others are told it is not theirs.
/// </summary>
[Trait("Category", "Slow")]
public sealed class AdminKeysPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheFounderAllowsAUsersKeyToSurvey()
    {
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress);
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, m) => errors.Add(m);
            await OpenAsync(page, host, "401");
            Assert.True(await page.IsVisibleAsync("#signin"));

            // The first account is the founder, an administrator; a second person makes a key on their account page.
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "founder");
            using var user = new ObservatoryClient(host.BaseAddress);
            await user.SignedUpAsync("botanist");
            using (var created = await user.PostFormAsync("api/account/keys", [new("name", "quadrat-app")]))
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
            var id = await WithDbAsync(host, db => db.ApiKeys.Select(k => k.Id).SingleAsync(Ct));

            await OpenAsync(page, host, "1");
            var row = $"tr[data-key='{id}']";
            Assert.Equal("quadrat-app", await page.InnerTextAsync($"{row} td:nth-child(1)"));
            Assert.Equal("botanist", await page.InnerTextAsync($"{row} td:nth-child(3)"));
            var toggle = page.GetByRole(AriaRole.Switch, new() { Name = "Allowed to survey" });
            Assert.False(await toggle.IsCheckedAsync());
            await Problems(page, "en");

            await page.TapAsync($"{row} label.toggle");
            await page.WaitForSelectorAsync($"body[data-saved='{id}:200']");
            Assert.True(await toggle.IsCheckedAsync());
            Assert.Equal("quadrat-app may now run surveys.", await page.InnerTextAsync("#status"));
            Assert.True(await WithDbAsync(host, db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.AllowSurvey).SingleAsync(Ct)));
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("admin-keys"), FullPage = true });

            // In French, after a reload: the switch's label is French and the key still allowed.
            await context.AddCookiesAsync([new Cookie { Name = "lang", Value = "fr", Url = host.BaseAddress.GetLeftPart(UriPartial.Authority) }]);
            await OpenAsync(page, host, "1");
            var french = page.GetByRole(AriaRole.Switch, new() { Name = "Autorisée aux relevés" });
            Assert.True(await french.IsCheckedAsync());
            Assert.Equal("Clés d'API", await page.InnerTextAsync("h1"));
            await Problems(page, "fr");

            // The owner's account page shows the flag, with no way to change it.
            await using var ownerContext = await Browser.PhoneContextAsync(browser, host.BaseAddress);
            var owner = await ownerContext.NewPageAsync();
            await owner.GotoAsync(new Uri(host.BaseAddress, "/account").ToString());
            await owner.FillAsync("#signin input[name=login]", "botanist");
            await owner.FillAsync("#signin input[name=password]", ObservatoryClient.Password);
            await owner.ClickAsync("#signin button");
            await owner.WaitForSelectorAsync("#keylist .key-survey[data-survey='true']");
            Assert.Equal("Surveys: allowed", await owner.InnerTextAsync("#keylist .key-survey"));
            Assert.Equal(0, await owner.Locator("#keylist input[type=checkbox]").CountAsync());

            // Anyone else is told the page is for administrators.
            await OpenAsync(owner, host, "403");
            Assert.Equal("API keys are managed by administrators.", await owner.InnerTextAsync("#status"));
            Assert.False(await owner.IsVisibleAsync("#keys"));
            Assert.Empty(errors);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private static async Task OpenAsync(IPage page, FlorascopeHost host, string loaded)
    {
        await page.GotoAsync(new Uri(host.BaseAddress, "/admin/keys").ToString());
        await page.WaitForSelectorAsync($"body[data-loaded='{loaded}']", new() { State = WaitForSelectorState.Attached });
    }

    private static async Task<T> WithDbAsync<T>(FlorascopeHost host, Func<FlorascopeDb, Task<T>> read)
    {
        await using var scope = host.App.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<FlorascopeDb>());
    }

    /// <summary>As every page is checked (AccessibilityPagesTests): no serious or critical axe violation, tap targets of 44 px.</summary>
    private static async Task Problems(IPage page, string language)
    {
        var problems = new List<string>();
        var axe = await page.RunAxe();
        foreach (var v in axe.Violations.Where(v => v.Impact is "serious" or "critical"))
            foreach (var node in v.Nodes)
                problems.Add($"/admin/keys ({language}): axe {v.Impact} {v.Id} at {node.Target}: {v.Help}");
        foreach (var small in await page.EvaluateAsync<string[]>(AccessibilityPagesTests.SmallTargets))
            problems.Add($"/admin/keys ({language}): tap target under 44 px: {small}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
