using System.Globalization;
using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>The observation page's geoprivacy: what others see, and the author's choice, in the browser.</summary>
[Trait("Category", "Slow")]
public sealed class GeoprivacyPageTests
{
    [Fact]
    public async Task TheAuthorHidesThePlaceAndOthersSeeItHidden()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            using var author = new ObservatoryClient(host.BaseAddress);
            await author.SignedUpAsync("author");
            var created = await author.CreatedAsync(fields: [new("taxon", "Taraxacum officinale"), new("latitude", "44.812345"), new("longitude", "0.587654"),
                new("geoprivacy", "obscured")]);
            var id = created["id"]!.GetValue<int>();
            var errors = new List<string>();

            // Someone else: an obscured place, not the true one.
            var visitor = await Browser.PhonePageAsync(browser);
            visitor.PageError += (_, m) => errors.Add(m);
            await OpenAsync(visitor, host, $"/observations/{id}");
            var facts = await visitor.InnerTextAsync("#facts");
            Assert.Contains("Obscured", facts, StringComparison.Ordinal);
            Assert.DoesNotContain("44.81234", facts, StringComparison.Ordinal);
            Assert.False(await visitor.IsVisibleAsync("#mine"));

            // The author signs in: the true place, the choice, and the switch to private.
            var page = await Browser.PhonePageAsync(browser);
            page.PageError += (_, m) => errors.Add(m);
            await page.GotoAsync(new Uri(host.BaseAddress, $"/account?return=/observations/{id}").ToString());
            await page.FillAsync("#signin input[name=login]", "author");
            await page.FillAsync("#signin input[name=password]", ObservatoryClient.Password);
            await page.ClickAsync("#signin button");
            await page.WaitForURLAsync($"**/observations/{id}");
            await page.WaitForSelectorAsync("body[data-loaded='true']");
            Assert.Contains(44.812345.ToString("F5", CultureInfo.InvariantCulture), await page.InnerTextAsync("#facts"), StringComparison.Ordinal);
            // The author's choice is in the edit form of their own observation.
            await page.ClickAsync("#editbox summary");
            Assert.Equal("obscured", await page.InputValueAsync("#geoprivacy"));
            await page.SelectOptionAsync("#geoprivacy", "private");
            await page.ClickAsync("#edit button[type=submit]");
            await page.WaitForFunctionAsync("() => document.getElementById('facts').innerText.includes('others see none')");

            await OpenAsync(visitor, host, $"/observations/{id}");
            Assert.Contains("Hidden by its author", await visitor.InnerTextAsync("#facts"), StringComparison.Ordinal);
            Assert.DoesNotContain("44.8", await visitor.InnerTextAsync("#facts"), StringComparison.Ordinal);
            Assert.Empty(errors);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private static async Task OpenAsync(IPage page, FlorascopeHost host, string path)
    {
        await page.GotoAsync(new Uri(host.BaseAddress, path).ToString());
        await page.WaitForSelectorAsync("body[data-loaded='true']");
    }
}
