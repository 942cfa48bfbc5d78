using Florascope.Tests.TestSupport;
using Florascope.Tests.Web.Translations;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// A server message as a person meets it on a French phone (390 x 844, touch): the account page's
/// failed sign-in shows the API's refusal, which comes in French, with no English left.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ServerMessagesPageTests
{
    [Fact]
    public async Task AFailedSignInIsExplainedInTheBrowsersLanguage()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            using (var someone = new ObservatoryClient(host.BaseAddress)) await someone.SignedUpAsync("someone");
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = 390, Height = 844 }, HasTouch = true, IsMobile = true, Locale = "fr-FR",
            });
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(host.BaseAddress, "/account").ToString());
            await page.FillAsync("#signin input[name=login]", "someone");
            await page.FillAsync("#signin input[name=password]", "not the password at all");
            await page.TapAsync("#signin button[type=submit]");

            var expected = ServerMessagesTests.Expected("fr", "server.account.sign-in-refused");
            var shown = page.Locator("#me");
            await Assertions.Expect(shown).ToHaveTextAsync(expected);
            Assert.NotEqual(ServerMessagesTests.Expected("en", "server.account.sign-in-refused"), await shown.TextContentAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.ScreenshotPath("account-sign-in-refused-fr") });
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
