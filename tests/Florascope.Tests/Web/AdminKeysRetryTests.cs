using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Florascope.Tests.Web;

/// <summary>/admin/keys in Chromium on a 390 x 844 phone: "more" tapped again after a failed page asks for the same page, none skipped.</summary>
[Trait("Category", "Slow")]
public sealed class AdminKeysRetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARetryAfterAFailedPageAsksForThatPageAgain()
    {
        using var dir = new TempDirectory();
        var clock = new FakeClock(DateTimeOffset.UtcNow);
        await using var host = await FlorascopeHost.StartAsync(dir.Path, clock);
        await using (var scope = host.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
            for (var i = 0; i < 55; i++) await ApiKeyStore.CreateAsync(db, $"key-{i}", 100, clock, Ct);
        }
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress);
            var page = await context.NewPageAsync();
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "founder");
            var asked = new List<string>();
            page.Request += (_, r) => { if (r.Url.Contains("/api/admin/keys?", StringComparison.Ordinal)) lock (asked) asked.Add(new Uri(r.Url).Query); };
            await page.GotoAsync(new Uri(host.BaseAddress, "/admin/keys").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='50']", new() { State = WaitForSelectorState.Attached });

            // The second page fails once (a server error on the way)...
            await page.RouteAsync("**/api/admin/keys?page=*", route => route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 500, ContentType = "application/json",
                Body = """{"statusCode":500,"error":"Internal Server Error","message":"Something went wrong."}""",
            }));
            await page.TapAsync("#more");
            await page.Locator("#status", new() { HasTextString = "Something went wrong." }).WaitForAsync(new() { State = WaitForSelectorState.Attached });
            await page.UnrouteAllAsync();
            // ... and tapped again, it is the second page that is asked for, and the list has every key.
            await page.TapAsync("#more");
            await page.WaitForSelectorAsync("body[data-loaded='55']", new() { State = WaitForSelectorState.Attached });
            lock (asked) Assert.Equal(["?page=1&pageSize=50", "?page=2&pageSize=50", "?page=2&pageSize=50"], asked);
            Assert.Equal(55, await page.Locator("#keys tbody tr").CountAsync());
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
