using System.Globalization;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// "Help identify" (/help) at phone size, the defects of issue 12: no "community leans" without a
/// proposal, an "I don't know" observation never shown as named, the thanks in view after proposing,
/// and a leaderboard that lists people as soon as they take part (four accounts here), not only
/// once a validation has scored them.
/// </summary>
[Trait("Category", "Slow")]
public sealed class HelpPageTests
{
    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task AnUnnamedPlantIsShownAsUnnamedAndTheThanksComesIntoView()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            using var author = new ObservatoryClient(host.BaseAddress);
            await author.SignedUpAsync("author");
            var chickweed = (await author.CreatedAsync(Photos.Plant("Stellaria_media"), [new("taxon", "Stellaria media")]))["id"]!.GetValue<int>();
            // "I don't know" on a dandelion: the model names it (and votes), nobody else does.
            var dandelion = (await author.CreatedAsync(Photos.Plant("Taraxacum_officinale"), []))["id"]!.GetValue<int>();
            using var player = new ObservatoryClient(host.BaseAddress);
            await player.SignedUpAsync("player");
            var offered = (await player.Http.GetJsonAsync("api/game/next")).AsArray();
            var unnamed = offered.Single(o => o!["id"]!.GetValue<int>() == dandelion)!;
            Assert.Equal(0, unnamed["votes"]!.GetValue<int>());
            Assert.Equal("Taraxacum officinale", unnamed["suggestion"]!["modelTaxonName"]!.GetValue<string>());
            Assert.Null(unnamed["suggestion"]!["communityTaxonName"]);
            Assert.Equal("Stellaria media", offered.Single(o => o!["id"]!.GetValue<int>() == chickweed)!["suggestion"]!["communityTaxonName"]!.GetValue<string>());

            var page = await PhoneSessions.PageAsync(browser, player, host.BaseAddress);
            var errors = new List<string>();
            page.PageError += (_, m) => errors.Add(m);
            await page.GotoAsync(new Uri(host.BaseAddress, "/help").ToString());
            await page.WaitForSelectorAsync("body[data-loaded='true']");
            await page.WaitForSelectorAsync($"#card[data-id='{Id(dandelion)}']");
            var suggestion = await page.InnerTextAsync("#suggestion");
            Assert.Contains("The model suggests Taraxacum officinale", suggestion, StringComparison.Ordinal);
            Assert.Contains("Nobody has named this plant yet.", suggestion, StringComparison.Ordinal);
            Assert.DoesNotContain("community", suggestion, StringComparison.OrdinalIgnoreCase);
            // Its photo is a plant to identify, not "Photo of Taraxacum officinale".
            var alt = await page.GetAttributeAsync("#cardphotos img", "alt") ?? "";
            Assert.StartsWith("Photo of a plant to identify", alt, StringComparison.Ordinal);
            Assert.DoesNotContain("Taraxacum", alt, StringComparison.Ordinal);
            Assert.Contains("0 name(s) proposed", await page.InnerTextAsync("#meta"), StringComparison.Ordinal);
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("help-unnamed"), FullPage = true });

            // Proposing by a common name: the thanks names the accepted taxon and is on screen.
            await page.FillAsync("#name", "common dandelion");
            await page.ClickAsync("#send");
            await page.WaitForSelectorAsync($"body[data-proposed='{Id(dandelion)}']");
            await page.WaitForSelectorAsync($"#card[data-id='{Id(chickweed)}']");
            Assert.Contains("Taraxacum officinale is counted", await page.InnerTextAsync("#thanks"), StringComparison.Ordinal);
            Assert.True(await PhoneSessions.InViewAsync(page, "#thanks"), "the thanks is outside the screen");
            // The chickweed, named by its author: the community leans to it.
            Assert.Contains("The community leans to Stellaria media", await page.InnerTextAsync("#suggestion"), StringComparison.Ordinal);
            await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("help-thanks") });

            // A name the checklist does not have: the server's message, in view, nothing counted.
            await page.FillAsync("#name", "no such plant");
            await page.ClickAsync("#send");
            await page.WaitForSelectorAsync("#thanks[data-kind='error']");
            Assert.Contains("no such plant", await page.InnerTextAsync("#thanks"), StringComparison.Ordinal);
            Assert.True(await PhoneSessions.InViewAsync(page, "#thanks"));
            Assert.Equal(Id(chickweed), await page.GetAttributeAsync("#card", "data-id"));
            Assert.Empty(errors);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task FourPeopleWhoProposedAreOnTheLeaderboardBeforeAnyoneScores()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            // The author says chickweed; the demo model is unsure of this photo and does not vote.
            using var author = new ObservatoryClient(host.BaseAddress);
            await author.SignedUpAsync("author");
            var id = (await author.CreatedAsync(Photos.Plant("Stellaria_media"), [new("taxon", "Stellaria media")]))["id"]!.GetValue<int>();
            // Four players split 3 to 2 with the author (weights 0.74 each): accuracy 0.6 < 0.7, nobody scores yet.
            var players = new List<ObservatoryClient>();
            try
            {
                foreach (var (name, taxon) in new[] { ("ann", "Galium aparine"), ("bob", "cleavers"), ("cyd", "Stellaria media") })
                {
                    var p = new ObservatoryClient(host.BaseAddress);
                    players.Add(p);
                    await p.SignedUpAsync(name);
                    using var r = await p.IdentifyAsync(id, taxon);
                    Assert.NotEqual("valid", (await r.JsonAsync())["revision"]!["status"]!.GetValue<string>());
                }
                var dee = new ObservatoryClient(host.BaseAddress);
                players.Add(dee);
                await dee.SignedUpAsync("dee");

                var page = await PhoneSessions.PageAsync(browser, dee, host.BaseAddress);
                var errors = new List<string>();
                page.PageError += (_, m) => errors.Add(m);
                await page.GotoAsync(new Uri(host.BaseAddress, "/help").ToString());
                await page.WaitForSelectorAsync("body[data-loaded='true']");
                await page.WaitForSelectorAsync($"#card[data-id='{Id(id)}']");
                Assert.Equal(3, await page.Locator("#board li").CountAsync());
                await page.FillAsync("#name", "common chickweed");
                await page.ClickAsync("#send");
                await page.WaitForSelectorAsync("#empty:not([hidden])");
                await page.WaitForFunctionAsync("() => document.querySelectorAll('#board li').length === 4");
                Assert.True(await page.IsHiddenAsync("#noboard"));
                foreach (var p in players)
                {
                    var row = page.Locator($"#board li[data-user='{Id(p.UserId)}']");
                    Assert.Equal("0", await row.Locator(".points").GetAttributeAsync("data-score"));
                    Assert.Equal("1", await row.Locator("[data-proposals]").GetAttributeAsync("data-proposals"));
                }
                // The author named their own observation: that is no proposal, they are not listed.
                Assert.Equal(0, await page.Locator($"#board li[data-user='{Id(author.UserId)}']").CountAsync());
                Assert.Equal("1 of 1", await page.InnerTextAsync("#mefacts dd[data-field=pending]"));
                await page.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("help-board-four"), FullPage = true });

                var board = (await host.Client.GetJsonAsync("api/game/leaderboard")).AsArray();
                Assert.Equal(players.Select(p => p.UserId).Order(), board.Select(e => e!["userId"]!.GetValue<int>()).Order());
                Assert.All(board, e => Assert.Equal((0, 1), (e!["score"]!.GetValue<int>(), e["proposals"]!.GetValue<int>())));
                Assert.Empty(errors);
            }
            finally
            {
                foreach (var p in players) p.Dispose();
            }
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
