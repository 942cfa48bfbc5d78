using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.Jobs;

/// <summary>/admin/jobs in Chromium on a phone: the dashboard for the founder, Run now, nothing for others.</summary>
[Trait("Category", "Slow")]
public sealed class JobsPageTests
{
    [Fact]
    public async Task TheAdministratorSeesEveryJobAndRunsOneNow()
    {
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow),
            new Dictionary<string, string?> { ["Florascope:NodeName"] = "node-page" });
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress);
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, m) => errors.Add(m);
            await OpenAsync(page, host, "401");
            Assert.True(await page.IsVisibleAsync("#signin"));

            // The first account administers the observatory.
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "admin");
            await OpenAsync(page, host, Florascope.Data.Jobs.JobText.All.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("Answered by node node-page.", await page.InnerTextAsync("#node"));
            // Test servers run no revision batch: it is shown off, the other jobs hourly.
            Assert.Equal("off", await page.InnerTextAsync("tr[data-job='revision-batch'] td:nth-child(2)"));
            Assert.Equal("1 h", await page.InnerTextAsync("tr[data-job='housekeeping'] td:nth-child(2)"));
            Assert.Equal("5 min", await page.InnerTextAsync("tr[data-job='challenge-baselines'] td:nth-child(2)"));

            await page.ClickAsync("tr[data-job='revision-batch'] button");
            await page.WaitForSelectorAsync("body[data-ran='202']");
            Assert.Equal("Revision batch started on node-page.", await page.InnerTextAsync("#status"));
            // The page looks again once the run may be recorded.
            await page.WaitForSelectorAsync("tr[data-job='revision-batch'] td[data-outcome='succeeded']");
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("admin-jobs"), FullPage = true });

            await using var otherContext = await Browser.PhoneContextAsync(browser, host.BaseAddress);
            var other = await otherContext.NewPageAsync();
            await Browser.SignUpInAppAsync(other, host.BaseAddress, "someone");
            await OpenAsync(other, host, "403");
            Assert.Equal("The jobs dashboard is for administrators.", await other.InnerTextAsync("#status"));
            Assert.False(await other.IsVisibleAsync("#jobs"));
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
        await page.GotoAsync(new Uri(host.BaseAddress, "/admin/jobs").ToString());
        await page.WaitForSelectorAsync($"body[data-loaded='{loaded}']");
    }
}
