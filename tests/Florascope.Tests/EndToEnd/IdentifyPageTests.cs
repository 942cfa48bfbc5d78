using Florascope.Tests.TestSupport;

namespace Florascope.Tests.EndToEnd;

/// <summary>The phone app's identification in a real headless Chromium: a large photo chosen, downscaled in the page, identified.</summary>
[Trait("Category", "Slow")]
public sealed class IdentifyPageTests
{
    [Fact]
    public async Task APhotoChosenOnThePhoneIsIdentifiedWithoutAnAccount()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            // A 12 MP phone-sized photo, so the in-page downscale to 1280 px is exercised.
            var big = Path.Combine(dir.Path, "sunflower.jpg");
            File.WriteAllBytes(big, TestImages.Upscaled(Photos.Plant("Helianthus_annuus").Data, 4000, 3000));

            var page = await Browser.PhonePageAsync(browser);
            // The home page is the app.
            await page.GotoAsync(host.BaseAddress.ToString());
            await page.WaitForSelectorAsync("body[data-ready]");
            await page.SetInputFilesAsync("#photos", big);
            await page.WaitForSelectorAsync(".previews li");
            // The organ by its icon.
            await page.ClickAsync(".previews button[data-organ=flower]");
            // What is sent is the in-page copy, 1280 px on the long side, not the 4000 px original.
            var width = await page.EvalOnSelectorAsync<int>(".previews img", "img => img.complete ? img.naturalWidth : new Promise(r => img.onload = () => r(img.naturalWidth))");
            Assert.Equal(1280, width);
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync(".results > li.id-card");
            Assert.Contains("Helianthus annuus", await page.InnerTextAsync(".results > li:first-child"), StringComparison.Ordinal);
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("identify-phone"), FullPage = true });
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}

/// <summary>The interface in French, chosen with the switch, and vernacular names that follow it.</summary>
[Trait("Category", "Slow")]
public sealed class LanguageTests
{
    [Fact]
    public async Task TheLanguageSwitchTranslatesTheInterfaceAndTheNames()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            var page = await Browser.PhonePageAsync(browser);
            await page.GotoAsync(new Uri(host.BaseAddress, "/app").ToString());
            await page.WaitForSelectorAsync("body[data-ready]");
            await page.WaitForSelectorAsync("body[data-i18n='en']");
            Assert.Equal("What is this plant?", await page.InnerTextAsync("h1"));
            await page.SelectOptionAsync("#lang", "fr");
            await page.WaitForSelectorAsync("body[data-i18n='fr']");
            await page.WaitForSelectorAsync("body[data-ready]");
            Assert.Equal("Quelle est cette plante ?", await page.InnerTextAsync("h1"));

            var photo = Path.Combine(dir.Path, "tournesol.jpg");
            File.WriteAllBytes(photo, Photos.Plant("Helianthus_annuus").Data);
            await page.SetInputFilesAsync("#photos", photo);
            await page.WaitForSelectorAsync(".previews li");
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync(".results > li.id-card");
            Assert.Contains("tournesol", (await page.InnerTextAsync(".results > li:first-child")).ToLowerInvariant(), StringComparison.Ordinal);
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("identify-phone-fr"), FullPage = true });
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
