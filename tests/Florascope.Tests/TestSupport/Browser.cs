using Microsoft.Playwright;

namespace Florascope.Tests.TestSupport;

/// <summary>
/// Headless Chromium from Debian (/usr/bin/chromium, or $FLORASCOPE_CHROMIUM) driven by Playwright;
/// Playwright's own browser download is never used. Without Chromium a browser test is skipped
/// with the reason, except under CI=true where it fails.
/// </summary>
public static class Browser
{
    /// <summary>A 1 x 1 PNG: every map tile the pages ask for, answered here.</summary>
    public static readonly byte[] Tile = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <summary>A 390 x 844 touch phone (in <paramref name="locale"/>, else the browser's) whose requests stay on this machine.</summary>
    public static async Task<IBrowserContext> PhoneContextAsync(IBrowser browser, Uri baseAddress, string? locale = null)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 }, HasTouch = true, IsMobile = true, Locale = locale,
        });
        await KeepRequestsLocalAsync(context, baseAddress);
        return context;
    }

    /// <summary>
    /// Keeps a browser context's requests on this machine: the server's, data: and blob: go through, map
    /// tiles are answered with <see cref="Tile"/> (<paramref name="onTile"/> told), anything else is aborted
    /// (<paramref name="onElsewhere"/> told its URL).
    /// </summary>
    public static Task KeepRequestsLocalAsync(IBrowserContext context, Uri baseAddress, Action<string>? onElsewhere = null, Action? onTile = null) =>
        context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Host == baseAddress.Host || url.Scheme is "data" or "blob") { await route.ContinueAsync(); return; }
            if ($"{url.Scheme}://{url.Host}" == Florascope.Web.Hosting.SecurityHosting.TileOrigin)
            {
                onTile?.Invoke();
                await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "image/png", BodyBytes = Tile });
                return;
            }
            onElsewhere?.Invoke(route.Request.Url);
            await route.AbortAsync();
        });

    public static string? ExecutablePath =>
        Environment.GetEnvironmentVariable("FLORASCOPE_CHROMIUM") is { Length: > 0 } p ? p
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null;

    /// <summary>Chromium, or skip/fail per the rule above.</summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var path = ExecutablePath;
        if (path is null)
        {
            const string why = "Chromium is not installed (apt-get install chromium, or set FLORASCOPE_CHROMIUM); .ci/run installs it.";
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail(why);
            Assert.Skip(why);
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            // No sandbox as root; no background traffic: this machine has no network but loopback.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }

    /// <summary>A phone-sized page (360 x 740, touch).</summary>
    public static Task<IPage> PhonePageAsync(IBrowser browser) =>
        browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 360, Height = 740 }, HasTouch = true, IsMobile = true });

    /// <summary>Screenshots are kept as test artifacts under artifacts/screenshots at the repository root.</summary>
    public static string ScreenshotPath(string name)
    {
        var dir = Path.Combine(RepoPaths.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name + ".png");
    }

    /// <summary>Creates an account through the account page, which then returns to the app.</summary>
    public static async Task SignUpInAppAsync(IPage page, Uri baseAddress, string userName)
    {
        await page.GotoAsync(new Uri(baseAddress, "/account?return=/app").ToString());
        await page.FillAsync("#signup input[name=userName]", userName);
        await page.FillAsync("#signup input[name=email]", userName + "@example.org");
        await page.FillAsync("#signup input[name=password]", "a long enough password");
        await page.ClickAsync("#signup button");
        await page.WaitForURLAsync("**/app");
        await page.WaitForSelectorAsync("body[data-ready]");
    }
}
