using Florascope.Data;
using Florascope.Data.Floras;
using Florascope.Floras;
using Florascope.Taxonomy;
using Florascope.Tests.Floras;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// The pages' flora choices come from the server's projects (js/flora-choices.js), an imported checklist's
/// among them, in a real headless Chromium.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ImportedFloraPagesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThePagesOfferTheServersFlorasAnImportedOneAmongThem()
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
            Assert.Equal("Western Europe", await page.InnerTextAsync("#project option[value='weurope']"));
            // The choices are wholly the server's projects (after the page's own "all"), in its order.
            var ids = (await host.Client.GetJsonAsync("api/projects")).AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
            Assert.Equal(ids, await page.EvalOnSelectorAllAsync<string[]>("#project option", "os => os.map(o => o.value)"));

            await page.GotoAsync(new Uri(host.BaseAddress, "/map?project=meadows").ToString());
            await page.WaitForFunctionAsync("() => document.querySelector('select[name=project]').value === 'meadows'");

            // No page names the demo's floras itself: with another model (a GBIF flora whose only
            // project is "all") they would be choices the server answers 404 to.
            foreach (var path in new[] { "/app", "/map", "/stats", "/help" })
            {
                using var html = await host.Client.GetAsync(path, Ct);
                // The boot data carries every text of the language (flora.weurope among them): only the markup counts.
                var markup = System.Text.RegularExpressions.Regex.Replace(await html.Content.ReadAsStringAsync(Ct), "<script type=\"application/json\" id=\"boot\">.*?</script>", "",
                    System.Text.RegularExpressions.RegexOptions.Singleline);
                Assert.DoesNotContain("weurope", markup, StringComparison.Ordinal);
            }

            // In French, a model's flora is named by the interface's words; an imported one by its title.
            await page.EvaluateAsync("() => localStorage.setItem('lang', 'fr')");
            await page.GotoAsync(new Uri(host.BaseAddress, "/stats").ToString());
            await page.WaitForSelectorAsync("select[name=project] option[value='meadows']", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
            Assert.Equal("Europe de l'Ouest", await page.InnerTextAsync("select[name=project] option[value='weurope']"));
            Assert.Equal("Meadows of the test", await page.InnerTextAsync("select[name=project] option[value='meadows']"));
            Assert.Equal("Toutes les flores", await page.InnerTextAsync("select[name=project] option[value='']"));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
