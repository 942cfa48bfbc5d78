using Florascope.Data;
using Florascope.Data.Floras;
using Florascope.Floras;
using Florascope.Taxonomy;
using Florascope.Tests.Floras;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.EndToEnd;

/// <summary>A project imported from a checklist joins the flora choices of the pages (js/floras.js), in a real headless Chromium.</summary>
[Trait("Category", "Slow")]
public sealed class ImportedFloraPagesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheAppAndTheMapOfferAnImportedFlora()
    {
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow),
            new Dictionary<string, string?> { ["Florascope:Models:PollSeconds"] = "0.2" });
        await using (var db = new DatabaseSettings { DataDirectory = dir.Path }.CreateContext())
            await ChecklistProjects.ImportAsync(db, ProjectCode.Parse("meadows"), "Meadows of the test", null, "checklist.zip",
                ChecklistArchive.Read(TestChecklists.Write(dir.Path), Ct), Checklist.Load(RepoPaths.Checklist), TimeProvider.System, Ct);
        // Bounded wait for the server's next poll; nothing asserted on time.
        for (var i = 0; i < 300; i++)
        {
            if ((await host.Client.GetJsonAsync("api/projects")).AsArray().Any(p => p!["id"]!.GetValue<string>() == "meadows")) break;
            await Task.Delay(100, Ct);
        }

        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            var page = await Browser.PhonePageAsync(browser);
            await page.GotoAsync(new Uri(host.BaseAddress, "/app").ToString());
            await page.WaitForSelectorAsync("#project option[value='meadows']", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
            Assert.Equal("Meadows of the test", await page.InnerTextAsync("#project option[value='meadows']"));
            Assert.Equal(1, await page.Locator("#project option[value='weurope']").CountAsync());

            await page.GotoAsync(new Uri(host.BaseAddress, "/map?project=meadows").ToString());
            await page.WaitForFunctionAsync("() => document.querySelector('select[name=project]').value === 'meadows'");
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
