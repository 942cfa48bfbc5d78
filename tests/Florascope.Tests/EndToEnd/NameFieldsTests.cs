using System.Net;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// Common names in every name field (issue 12): "flowering dogwood", "oxeye daisy", "tulip" and the
/// map's "sunflower" are the demo checklist's vernacular names; they are taken wherever a name is
/// typed (saving, identifying, the help page, the list and map filters) and stored as the accepted
/// scientific name.
/// </summary>
[Trait("Category", "Slow")]
public sealed class NameFieldsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Current(JsonNode detail, int userId) =>
        detail["identifications"]!.AsArray().Single(i => i!["isCurrent"]!.GetValue<bool>() && i["userId"]!.GetValue<int>() == userId)!["taxonName"]!.GetValue<string>();

    [Fact]
    public async Task CommonNamesAreTakenWhereverANameIsTyped()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            using var author = new ObservatoryClient(host.BaseAddress);
            await author.SignedUpAsync("author");
            // Saving (what the app's name field sends): a vernacular name is stored as the accepted name.
            var dogwood = await author.CreatedAsync(Photos.Plant("Cornus_florida"), [new("taxon", "flowering dogwood"), new("latitude", "47.0"), new("longitude", "3.0")]);
            Assert.Equal("Cornus florida", Current(dogwood, author.UserId));
            var tulip = await author.CreatedAsync(Photos.Plant("Tulipa"), [new("taxon", "Tulip"), new("latitude", "52.1"), new("longitude", "4.3")]);
            Assert.Equal("Tulipa", Current(tulip, author.UserId));
            // Another language's name, accents dropped.
            var sunflower = await author.CreatedAsync(Photos.Plant("Helianthus_annuus"), [new("taxon", "TOURNESOL"), new("latitude", "43.6"), new("longitude", "1.44")]);
            Assert.Equal("Helianthus annuus", Current(sunflower, author.UserId));
            var unknown = await author.CreatedAsync(Photos.Plant("Leucanthemum_vulgare"), [new("latitude", "48.1"), new("longitude", "-1.7")]);
            using (var refused = await author.CreateAsync([Photos.Plant("Tulipa")], fields: [new("taxon", "tulips of the field")]))
                Assert.Contains("tulips of the field", await refused.ErrorAsync(400), StringComparison.Ordinal);

            // Identifying: a vernacular name, and autocompletion says which name matched.
            using var player = new ObservatoryClient(host.BaseAddress);
            await player.SignedUpAsync("player");
            using (var r = await player.IdentifyAsync(dogwood["id"]!.GetValue<int>(), "Flowering Dogwood"))
                Assert.Equal("Cornus florida", Current(await r.JsonAsync(), player.UserId));
            var suggestion = (await host.Client.GetJsonAsync("api/taxa?prefix=oxeye&lang=fr")).AsArray().Single()!;
            Assert.Equal(("Leucanthemum vulgare", "oxeye daisy", "vernacular"),
                (suggestion["name"]!.GetValue<string>(), suggestion["matched"]!.GetValue<string>(), suggestion["matchedKind"]!.GetValue<string>()));

            // The list's and the map's filters.
            var sunflowerId = sunflower["id"]!.GetValue<int>();
            Assert.Equal([sunflowerId], (await host.Client.GetJsonAsync("api/observations?taxon=sunflower")).AsArray().Select(o => o!["id"]!.GetValue<int>()));
            Assert.Equal([sunflowerId], JsonNode.Parse(await host.Client.GetStringAsync("api/observations.geojson?taxon=common%20sunflower", Ct))!["features"]!.AsArray()
                .Select(x => x!["properties"]!["id"]!.GetValue<int>()));

            // The help page: the player names the unnamed daisy "oxeye daisy".
            var page = await PhoneSessions.PageAsync(browser, player, host.BaseAddress);
            var errors = new List<string>();
            page.PageError += (_, m) => errors.Add(m);
            await page.GotoAsync(new Uri(host.BaseAddress, "/help").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='true']");
            var daisy = unknown["id"]!.GetValue<int>();
            for (var i = 0; i < 5 && await page.GetAttributeAsync("#card", "data-id") != daisy.ToString(System.Globalization.CultureInfo.InvariantCulture); i++)
            {
                await page.ClickAsync("#skip");
                await page.WaitForFunctionAsync("id => document.body.dataset.skipped === id", (await page.GetAttributeAsync("#card", "data-id"))!);
            }
            Assert.Equal(daisy.ToString(System.Globalization.CultureInfo.InvariantCulture), await page.GetAttributeAsync("#card", "data-id"));
            await page.FillAsync("#name", "oxeye");
            await page.WaitForSelectorAsync("#names option[value='Leucanthemum vulgare']", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
            Assert.StartsWith("oxeye daisy", await page.EvalOnSelectorAsync<string>("#names option[value='Leucanthemum vulgare']", "o => o.label"), StringComparison.Ordinal);
            await page.FillAsync("#name", "oxeye daisy");
            await page.ClickAsync("#send");
            await page.WaitForSelectorAsync("body[data-proposed-taxon='Leucanthemum vulgare']");
            Assert.Contains("Leucanthemum vulgare", await page.InnerTextAsync("#thanks"), StringComparison.Ordinal);
            Assert.Equal("Leucanthemum vulgare", Current(await player.Http.GetJsonAsync($"api/observations/{daisy}"), player.UserId));

            // The map: "sunflower" typed in the folded filters finds the sunflower only.
            await page.GotoAsync(new Uri(host.BaseAddress, "/map").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='4']");
            await page.ClickAsync("#filterbox summary");
            await page.FillAsync("#filters input[name=taxon]", "sunflower");
            await page.ClickAsync("#filters button[type=submit]");
            await page.WaitForSelectorAsync("body[data-loaded='1']");
            Assert.Contains("taxon=sunflower", page.Url, StringComparison.Ordinal);
            Assert.Empty(errors);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
    [Fact]
    public async Task TheAppsTypedNameTakesACommonNameWithSuggestions()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            var photo = Path.Combine(dir.Path, "daisy.jpg");
            File.WriteAllBytes(photo, Photos.Plant("Leucanthemum_vulgare").Data);
            var page = await Browser.PhonePageAsync(browser);
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "typist");
            await page.SetInputFilesAsync("#photos", photo);
            await page.WaitForSelectorAsync(".previews li");
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync("#save:not([hidden])");
            // Typing a common name suggests the taxon it names, whatever the model proposed.
            await page.FillAsync("#typed", "oxeye");
            await page.WaitForSelectorAsync("#names option[value='Leucanthemum vulgare']", new() { State = Microsoft.Playwright.WaitForSelectorState.Attached });
            await page.FillAsync("#typed", "oxeye daisy");
            await page.ClickAsync("#save button[type=submit]");
            await page.WaitForSelectorAsync("#saved[data-observation]");
            var id = await page.GetAttributeAsync("#saved", "data-observation");
            var observation = JsonNode.Parse(await host.Client.GetStringAsync($"/api/observations/{id}", Ct))!;
            Assert.Equal("Leucanthemum vulgare", observation["taxonName"]!.GetValue<string>());
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
