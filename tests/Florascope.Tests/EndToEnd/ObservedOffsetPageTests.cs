using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// The observer's UTC offset from the page: EXIF OffsetTimeOriginal when the photo has it, else the
/// browser's offset on that date; the observation page shows the local time with its offset.
/// The browser runs in New York so neither offset is the machine's.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ObservedOffsetPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheOffsetComesFromTheExifElseFromTheBrowser()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            var taken = new DateTime(2026, 4, 12, 10, 30, 0);
            var withOffset = Path.Combine(dir.Path, "kolkata.jpg");
            File.WriteAllBytes(withOffset, TestImages.WithExifOffset(Photos.Plant("Taraxacum_officinale").Data, taken, "+05:30"));
            var withoutOffset = Path.Combine(dir.Path, "plain.jpg");
            File.WriteAllBytes(withoutOffset, TestImages.WithExifGps(Photos.Plant("Taraxacum_officinale", 1).Data, 43.6109, 3.8772, taken));

            var page = await browser.NewPageAsync(new BrowserNewPageOptions { TimezoneId = "America/New_York", ViewportSize = new ViewportSize { Width = 360, Height = 740 } });
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "traveller");

            // The parser alone: the offset beside the wall-clock time; none for a photo without the tag.
            var parsed = await page.EvaluateAsync<string>(
                "async b64 => { const r = await (await import('/js/exif.js')).readExif(new Blob([Uint8Array.from(atob(b64), c => c.charCodeAt(0))])); return r.offset + ' ' + r.taken.getHours() + ':' + r.taken.getMinutes(); }",
                Convert.ToBase64String(File.ReadAllBytes(withOffset)));
            Assert.Equal("330 10:30", parsed);
            Assert.Null(await page.EvaluateAsync<int?>(
                "async b64 => (await (await import('/js/exif.js')).readExif(new Blob([Uint8Array.from(atob(b64), c => c.charCodeAt(0))]))).offset",
                Convert.ToBase64String(File.ReadAllBytes(withoutOffset))));

            var first = await SaveAsync(page, withOffset);
            Assert.Equal(330, first["observedOffsetMinutes"]!.GetValue<int>());
            Assert.Equal(new DateTime(2026, 4, 12, 5, 0, 0, DateTimeKind.Utc), first["observedUtc"]!.GetValue<DateTime>().ToUniversalTime());

            // No EXIF offset: New York's on that date (EDT, UTC-04:00), and the wall-clock time read there.
            await page.GotoAsync(new Uri(host.BaseAddress, "/app").ToString());
            await page.WaitForSelectorAsync("body[data-ready]");
            var second = await SaveAsync(page, withoutOffset);
            Assert.Equal(-240, second["observedOffsetMinutes"]!.GetValue<int>());
            Assert.Equal(new DateTime(2026, 4, 12, 14, 30, 0, DateTimeKind.Utc), second["observedUtc"]!.GetValue<DateTime>().ToUniversalTime());

            await page.GotoAsync(new Uri(host.BaseAddress, $"/observations/{first["id"]}").ToString());
            await page.WaitForSelectorAsync("body[data-loaded]");
            var facts = await page.InnerTextAsync("#facts");
            Assert.Contains("UTC+05:30", facts, StringComparison.Ordinal);
            Assert.Contains("10:30", facts, StringComparison.Ordinal);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }

        async Task<JsonNode> SaveAsync(IPage page, string photo)
        {
            await page.SetInputFilesAsync("#photos", photo);
            await page.WaitForSelectorAsync(".previews li");
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync("#save:not([hidden])");
            Assert.StartsWith("2026-04-12T10:30", await page.InputValueAsync("#when"), StringComparison.Ordinal);
            await page.ClickAsync("#save button[type=submit]");
            await page.WaitForSelectorAsync("#saved[data-observation]");
            var id = await page.GetAttributeAsync("#saved", "data-observation");
            return JsonNode.Parse(await host.Client.GetStringAsync($"/api/observations/{id}", Ct))!;
        }
    }
}
