using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Florascope.Challenges;
using Florascope.Data;
using Florascope.Data.Challenges;
using Deque.AxeCore.Playwright;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// A whole campaign in Chromium on phones, against the real server (demo model, SQLite): the administrator creates a
/// challenge from folders under the server's SourceRoot, a participant makes a team and invites a second account, both
/// download the data, a bad run is refused with its errors by line, a good run is scored and appears on the public
/// leaderboard with the figures the test expects from the truth it reads, the administrator closes the challenge and
/// the private leaderboard appears. Also: the baseline job's note (the demo model saw these photos), no sideways scroll
/// and no serious axe violation on a phone, and the pages in French.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class ChallengeCampaignTests
{
    private static readonly string[] Taxa = ["Acer_campestre", "Acer_palmatum", "Beta_vulgaris"];
    private const string Slug = "spring-trial";
    private const string TeamName = "Leaf Peepers";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("^test/[0-9a-f]{16}\\.jpg$")]
    private static partial Regex TestPhotoName();

    [Fact]
    public async Task ATeamGoesFromSignUpToThePrivateLeaderboard()
    {
        using var dir = new TempDirectory();
        var sources = Path.Combine(dir.Path, "sources");
        foreach (var taxon in Taxa)
        {
            Copy(Path.Combine(RepoPaths.DemoFlora, "train", taxon), Path.Combine(sources, "trial-train", taxon), 4);
            Copy(Path.Combine(RepoPaths.ValPhotos, taxon), Path.Combine(sources, "trial-test", taxon), 3);
        }
        var clock = new FakeClock(DateTimeOffset.UtcNow);
        await using var host = await FlorascopeHost.StartAsync(dir.Path, clock, new Dictionary<string, string?>
        {
            ["Florascope:Challenges:SourceRoot"] = sources,
            ["Florascope:Challenges:ScoringPollSeconds"] = "1",
        });
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            var errors = new List<string>();
            var problems = new List<string>();
            await using var adminContext = await PhoneAsync(browser, host, errors);
            var admin = await adminContext.NewPageAsync();
            // The first account administers the observatory.
            await Browser.SignUpInAppAsync(admin, host.BaseAddress, "founder");
            await admin.GotoAsync(Url(host, "/admin/challenges"));
            await admin.WaitForSelectorAsync("body[data-loaded='0']");
            var now = clock.GetUtcNow().UtcDateTime;
            await admin.FillAsync("#create input[name=name]", "Spring trial");
            await admin.FillAsync("#create input[name=slug]", Slug);
            await admin.FillAsync("#create textarea[name=description]", "Three maples and a beet.");
            // Days either side of now: whatever the browser's time zone, the challenge is open.
            await admin.FillAsync("#create input[name=opens]", now.AddDays(-2).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
            await admin.FillAsync("#create input[name=closes]", now.AddDays(30).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture));
            await admin.FillAsync("#create input[name=publicPercent]", "50");
            await admin.FillAsync("#create input[name=trainDir]", "trial-train");
            await admin.FillAsync("#create input[name=testDir]", "trial-test");
            await admin.ClickAsync("#create button[type=submit]");
            await admin.WaitForSelectorAsync($"body[data-created='{Slug}']");
            await admin.WaitForSelectorAsync($"#challenges tr[data-slug='{Slug}'] [data-phase='open']");
            await NoSidewaysScrollAsync(admin, "/admin/challenges");
            await AccessibleAsync(admin, "/admin/challenges", problems);
            await admin.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("admin-challenges"), FullPage = true });
            // Limits changed afterwards: 4 runs a day instead of 5.
            await admin.ClickAsync($"tr[data-slug='{Slug}'] button[data-action='edit']");
            await admin.WaitForSelectorAsync("#edit-panel:not([hidden])");
            await admin.FillAsync("#edit input[name=dailySubmissionLimit]", "4");
            await admin.ClickAsync("#edit button[type=submit]");
            await admin.WaitForSelectorAsync($"body[data-saved='{Slug}']");
            // The baseline job, run now from the jobs page: the demo model saw these photos, so it submits no run and says why.
            await admin.GotoAsync(Url(host, "/admin/jobs"));
            await admin.ClickAsync("tr[data-job='challenge-baselines'] button");
            await admin.WaitForSelectorAsync("body[data-ran='202']");

            // The second account exists before it is invited.
            await using var bobContext = await PhoneAsync(browser, host, errors);
            var bob = await bobContext.NewPageAsync();
            await Browser.SignUpInAppAsync(bob, host.BaseAddress, "bob");

            await using var aliceContext = await PhoneAsync(browser, host, errors);
            var alice = await aliceContext.NewPageAsync();
            await alice.GotoAsync(Url(host, "/challenges"));
            await alice.WaitForSelectorAsync("body[data-loaded='1']");
            Assert.Equal("Spring trial", await alice.InnerTextAsync($"tr[data-slug='{Slug}'] a"));
            await NoSidewaysScrollAsync(alice, "/challenges");
            await AccessibleAsync(alice, "/challenges", problems);
            await alice.ClickAsync($"tr[data-slug='{Slug}'] a");
            await alice.WaitForSelectorAsync("body[data-loaded='open']");
            // Signed out: the downloads ask to sign in.
            Assert.True(await alice.IsVisibleAsync("#downloads-signin"));
            Assert.False(await alice.IsVisibleAsync("#team-panel"));
            await Browser.SignUpInAppAsync(alice, host.BaseAddress, "alice");
            await OpenChallengeAsync(alice, host, "open");
            Assert.Equal("9", await alice.InnerTextAsync("[data-fact='test-observations']"));
            Assert.Equal("3", await alice.InnerTextAsync("[data-fact='classes']"));
            Assert.Equal("4", await alice.InnerTextAsync("[data-fact='runs-per-day']"));
            for (var look = 0; look < 60 && !await alice.IsVisibleAsync("#baseline-note"); look++)
            {
                await Task.Delay(1000, Ct);
                await OpenChallengeAsync(alice, host, "open");
            }
            Assert.Contains("saw 9 of the 9 test photos", await alice.InnerTextAsync("#baseline-note"), StringComparison.Ordinal);

            await alice.FillAsync("#create-team input[name=name]", TeamName);
            await alice.ClickAsync("#create-team button");
            await alice.WaitForSelectorAsync("#my-team:not([hidden])");
            Assert.Equal(TeamName, await alice.InnerTextAsync("#team-name"));
            Assert.Equal("4 of 4", await alice.InnerTextAsync("#runs-left"));
            await alice.FillAsync("#invite input[name=userName]", "bob");
            await alice.ClickAsync("#invite button");
            await alice.Locator("#team-invited", new() { HasText = "@bob" }).WaitForAsync();

            await OpenChallengeAsync(bob, host, "open");
            Assert.Equal(TeamName, await bob.InnerTextAsync("#my-invitations li .name"));
            await bob.ClickAsync("#my-invitations button[data-action='accept']");
            await bob.WaitForSelectorAsync("#my-team:not([hidden])");
            Assert.Equal("@alice, @bob", await bob.InnerTextAsync("#team-members"));

            // The downloads: the test photos under random ids, the training photos by class with their licences.
            var testZip = await DownloadAsync(alice, "#dl-test", dir.Path);
            var trainZip = await DownloadAsync(bob, "#dl-train", dir.Path);
            var classesCsv = await DownloadAsync(alice, "#dl-classes", dir.Path);
            string[] testIds;
            using (var zip = ZipFile.OpenRead(testZip))
            {
                var photos = zip.Entries.Where(e => e.FullName.StartsWith("test/", StringComparison.Ordinal)).Select(e => e.FullName).ToList();
                Assert.Equal(9, photos.Count);
                Assert.All(photos, p => Assert.Matches(TestPhotoName(), p));
                Assert.Contains(zip.Entries, e => e.FullName == "README.txt");
                testIds = [.. photos.Select(p => p["test/".Length..^".jpg".Length])];
            }
            var classes = File.ReadAllLines(classesCsv).Where(l => l.Length > 0).Select(l => l.Split(';')[0]).ToArray();
            Assert.Equal(3, classes.Length);
            using (var zip = ZipFile.OpenRead(trainZip))
            {
                var names = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Equal(12, names.Count(n => n.StartsWith("train/", StringComparison.Ordinal) && n.EndsWith(".jpg", StringComparison.Ordinal)));
                Assert.All(classes, c => Assert.Contains(names, n => n.StartsWith($"train/{c}/", StringComparison.Ordinal)));
                Assert.Contains("classes.csv", names);
                Assert.Contains("licences.csv", names);
            }

            // What only the server knows: the truth and the public split (read here to know the expected figures).
            var (challengeId, splitKey, publicPercent) = await ChallengeAsync(host);
            var truth = await TruthAsync(host, challengeId);
            Assert.Equal(testIds.Order(StringComparer.Ordinal), truth.Keys.Order(StringComparer.Ordinal));

            // A bad run: its errors listed with their line numbers, nothing stored.
            var badRun = Path.Combine(dir.Path, "bad-run.txt");
            var someId = testIds[0];
            File.WriteAllText(badRun, string.Join('\n',
                $"ffffffffffffffff;{classes[0]};0.5;1",
                $"{someId};{classes[0]};0.5;1",
                $"{testIds[1]};nope;0.5;1",
                $"{testIds[2]};{classes[0]};1.5;1") + "\n");
            await UploadAsync(alice, badRun, "a broken attempt", "400");
            var lines = await alice.Locator("#run-errors li").EvaluateAllAsync<string[]>("items => items.map(i => i.dataset.line)");
            Assert.Contains("1", lines);
            Assert.Contains("3", lines);
            Assert.Contains("4", lines);
            Assert.StartsWith("Line 1: ", await alice.InnerTextAsync("#run-errors li[data-line='1']"));
            Assert.Equal(0, await alice.Locator("#runs tbody tr").CountAsync());

            // A good run: the true class first for the first class, second for the second, absent for the third.
            var reciprocal = new Dictionary<string, double>(StringComparer.Ordinal);
            var goodRun = new StringBuilder();
            foreach (var id in testIds)
            {
                var right = truth[id];
                var others = classes.Where(c => c != right).ToArray();
                string[] ranked = right == classes[0] ? [right, others[0]] : right == classes[1] ? [others[0], right] : others;
                reciprocal[id] = right == classes[0] ? 1 : right == classes[1] ? 0.5 : 0;
                for (var r = 0; r < ranked.Length; r++)
                    goodRun.Append(CultureInfo.InvariantCulture, $"{id};{ranked[r]};{(r == 0 ? 0.6 : 0.3)};{r + 1}\n");
            }
            var goodPath = Path.Combine(dir.Path, "good-run.txt");
            File.WriteAllText(goodPath, goodRun.ToString());
            await UploadAsync(alice, goodPath, "maple-first guesses", "202");
            await alice.WaitForSelectorAsync("#runs tr[data-status='scored']");
            await alice.WaitForSelectorAsync($"#board tr[data-team='{TeamName}']");

            var isPublic = testIds.ToDictionary(id => id, id => ChallengeRules.IsPublic(splitKey, id, publicPercent), StringComparer.Ordinal);
            var expectedPublic = Expected(testIds.Where(id => isPublic[id]), truth, reciprocal);
            var row = alice.Locator($"#board tr[data-team='{TeamName}']");
            if (expectedPublic is { } pub)
            {
                AssertScores(pub, await ScoresOfAsync(row));
                Assert.Equal(Shown(pub.MacroMrr), await row.Locator("[data-score='macroMrr']").InnerTextAsync());
                Assert.Equal(Shown(pub.Mrr), await row.Locator("[data-score='mrr']").InnerTextAsync());
            }
            Assert.Equal("maple-first guesses", await row.Locator("td.method").InnerTextAsync());
            // Every baseline row, if the model submitted one, is marked.
            Assert.Equal(await alice.Locator("#board tr[data-team^='Florascope']").CountAsync(), await alice.Locator("#board [data-baseline]").CountAsync());
            Assert.True(await alice.IsDisabledAsync("#board-private"));
            Assert.True(await alice.IsVisibleAsync("#private-reason"));
            Assert.Equal("—", await alice.InnerTextAsync("#runs tr[data-status='scored'] td[data-board='private']"));
            await NoSidewaysScrollAsync(alice, "/challenges/" + Slug);
            await AccessibleAsync(alice, "/challenges/" + Slug, problems);
            await alice.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("challenge-open"), FullPage = true });

            // The administrator closes it (with a confirmation); the private leaderboard appears.
            await admin.GotoAsync(Url(host, "/admin/challenges"));
            await admin.WaitForSelectorAsync("body[data-loaded='1']");
            await admin.ClickAsync($"tr[data-slug='{Slug}'] button[data-action='close']");
            Assert.True(await admin.IsVisibleAsync("#confirm-close"));
            await admin.ClickAsync("#confirm-yes");
            await admin.WaitForSelectorAsync($"body[data-closed='{Slug}']");
            await admin.WaitForSelectorAsync($"#challenges tr[data-slug='{Slug}'] [data-phase='closed']");

            await OpenChallengeAsync(alice, host, "closed");
            Assert.False(await alice.IsDisabledAsync("#board-private"));
            Assert.False(await alice.IsVisibleAsync("#upload-panel"));
            await alice.ClickAsync("#board-private");
            await alice.WaitForSelectorAsync("body[data-board^='private:']");
            var privateRow = alice.Locator($"#board tr[data-team='{TeamName}']");
            Assert.Equal(1, await privateRow.CountAsync());
            Assert.Equal("true", await alice.GetAttributeAsync("#board-private", "aria-pressed"));
            if (Expected(testIds.Where(id => !isPublic[id]), truth, reciprocal) is { } priv)
            {
                AssertScores(priv, await ScoresOfAsync(privateRow));
                Assert.NotEqual("—", await alice.InnerTextAsync("#runs tr[data-status='scored'] td[data-board='private']"));
            }
            await alice.ScreenshotAsync(new() { Path = Browser.ScreenshotPath("challenge-closed"), FullPage = true });

            // In French, signed out: translated headings on the three pages.
            await using var frContext = await PhoneAsync(browser, host, errors, "fr-FR");
            var fr = await frContext.NewPageAsync();
            await fr.GotoAsync(Url(host, "/challenges"));
            await fr.WaitForSelectorAsync("body[data-loaded='1']");
            Assert.Equal("Challenges d'évaluation", await fr.InnerTextAsync("h1"));
            await OpenChallengeAsync(fr, host, "closed");
            Assert.Equal("Le fichier de run", await fr.InnerTextAsync("#format-title"));
            Assert.Equal("Classement", await fr.InnerTextAsync("#board-title"));
            Assert.Contains("clos", await fr.InnerTextAsync("[data-fact='phase']"), StringComparison.Ordinal);
            await fr.GotoAsync(Url(host, "/admin/challenges"));
            await fr.WaitForSelectorAsync("body[data-loaded='401']");
            Assert.Equal("Gérer les challenges", await fr.InnerTextAsync("h1"));
            Assert.Empty(errors);
            Assert.True(problems.Count == 0, "Accessibility problems:\n" + string.Join("\n", problems));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private sealed record Figures(double MacroMrr, double Mrr, double Top1, double Top5);

    /// <summary>The scores of a subset worked out from each observation's reciprocal rank (1, 1/2 or 0 here); null when empty.</summary>
    private static Figures? Expected(IEnumerable<string> ids, Dictionary<string, string> truth, Dictionary<string, double> reciprocal)
    {
        var list = ids.ToList();
        if (list.Count == 0) return null;
        var macro = list.GroupBy(id => truth[id], StringComparer.Ordinal).Average(g => g.Average(id => reciprocal[id]));
        return new Figures(macro, list.Average(id => reciprocal[id]), list.Count(id => reciprocal[id] == 1) / (double)list.Count,
            list.Count(id => reciprocal[id] > 0) / (double)list.Count);
    }

    private static void AssertScores(Figures expected, Figures shown)
    {
        Assert.Equal(expected.MacroMrr, shown.MacroMrr, 9);
        Assert.Equal(expected.Mrr, shown.Mrr, 9);
        Assert.Equal(expected.Top1, shown.Top1, 9);
        Assert.Equal(expected.Top5, shown.Top5, 9);
    }

    /// <summary>As the page writes a score in English: at most three decimals.</summary>
    private static string Shown(double x) => Math.Round(x, 3, MidpointRounding.AwayFromZero).ToString("0.###", CultureInfo.InvariantCulture);

    private static async Task<Figures> ScoresOfAsync(ILocator row)
    {
        async Task<double> Read(string name) => double.Parse((await row.GetAttributeAsync(name))!, CultureInfo.InvariantCulture);
        return new Figures(await Read("data-macro-mrr"), await Read("data-mrr"), await Read("data-top1"), await Read("data-top5"));
    }

    private static string Url(FlorascopeHost host, string path) => new Uri(host.BaseAddress, path).ToString();

    private static async Task<IBrowserContext> PhoneAsync(IBrowser browser, FlorascopeHost host, List<string> errors, string? locale = null)
    {
        var context = await Browser.PhoneContextAsync(browser, host.BaseAddress, locale);
        // Creating a challenge re-encodes photos and scoring runs in the background: a slow machine needs the time.
        context.SetDefaultTimeout(120_000);
        context.Page += (_, page) => page.PageError += (_, m) => errors.Add(page.Url + ": " + m);
        return context;
    }

    private static async Task OpenChallengeAsync(IPage page, FlorascopeHost host, string phase)
    {
        await page.GotoAsync(Url(host, "/challenges/" + Slug));
        await page.WaitForSelectorAsync($"body[data-loaded='{phase}']");
    }

    private static async Task UploadAsync(IPage page, string path, string method, string status)
    {
        await page.EvaluateAsync("() => delete document.body.dataset.upload");
        await page.SetInputFilesAsync("#upload input[name=run]", path);
        await page.FillAsync("#upload textarea[name=method]", method);
        await page.ClickAsync("#upload button[type=submit]");
        await page.WaitForSelectorAsync($"body[data-upload='{status}']");
    }

    private static async Task<string> DownloadAsync(IPage page, string link, string folder)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync(link));
        var path = Path.Combine(folder, "download-" + download.SuggestedFilename);
        await download.SaveAsAsync(path);
        Assert.StartsWith(Slug + "-", download.SuggestedFilename, StringComparison.Ordinal);
        return path;
    }

    private static async Task NoSidewaysScrollAsync(IPage page, string what)
    {
        var (scroll, width) = (await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("document.documentElement.clientWidth"));
        // Named when it fails: the innermost elements that reach past the screen's edge.
        var wide = scroll <= width ? [] : await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
              && ![...e.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
              .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className)
            """);
        Assert.True(scroll <= width, $"{what} scrolls sideways on a phone: {scroll} > {width} ({string.Join(", ", wide)})");
    }

    /// <summary>As every page is checked (AccessibilityPagesTests): no serious or critical axe violation, tap targets of 44 px.</summary>
    private static async Task AccessibleAsync(IPage page, string path, List<string> problems)
    {
        var axe = await page.RunAxe();
        foreach (var v in axe.Violations.Where(v => v.Impact is "serious" or "critical"))
            foreach (var node in v.Nodes)
                problems.Add($"{path}: axe {v.Impact} {v.Id} at {node.Target}: {v.Help}");
        foreach (var small in await page.EvaluateAsync<string[]>(AccessibilityPagesTests.SmallTargets))
            problems.Add($"{path}: tap target under 44 px: {small}");
    }

    private static async Task<(int Id, byte[] SplitKey, int PublicPercent)> ChallengeAsync(FlorascopeHost host)
    {
        await using var scope = host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        var c = await db.Challenges.SingleAsync(x => x.Slug == Slug, Ct);
        return (c.Id, c.SplitKey, c.PublicPercent);
    }

    /// <summary>The hidden truth (ObservationId;ClassId per line) from the server's challenge store.</summary>
    private static async Task<Dictionary<string, string>> TruthAsync(FlorascopeHost host, int challengeId)
    {
        var store = host.App.Services.GetRequiredService<ChallengeFileStore>().Store;
        var content = await store.OpenReadAsync(ChallengeFiles.Truth(challengeId), Ct);
        Assert.NotNull(content);
        await using var stream = content.Content;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var truth = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadLineAsync(Ct) is { } line)
        {
            if (line.Length == 0) continue;
            var parts = line.Split(';');
            truth.Add(parts[0], parts[1]);
        }
        return truth;
    }

    private static void Copy(string from, string to, int count)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from).Order(StringComparer.Ordinal).Take(count))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
