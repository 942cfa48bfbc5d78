using Microsoft.Playwright;

namespace Florascope.Tests.TestSupport;

/// <summary>
/// Browser pages at the phone size of issue 12 (390 x 844, touch), optionally signed in as an
/// <see cref="ObservatoryClient"/> that signed up through the API: its cookies (session, session
/// hint, anti-forgery) are copied into the browser, so a test does not depend on the account page.
/// </summary>
public static class PhoneSessions
{
    public static async Task<IPage> PageAsync(IBrowser browser, ObservatoryClient? signedIn = null, Uri? baseAddress = null,
        Action<BrowserNewContextOptions>? configure = null)
    {
        var options = new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 390, Height = 844 }, HasTouch = true, IsMobile = true };
        configure?.Invoke(options);
        var context = await browser.NewContextAsync(options);
        if (signedIn is not null && baseAddress is not null)
            await context.AddCookiesAsync([.. signedIn.Cookies.GetAllCookies().Select(c => new Cookie
            {
                Name = c.Name, Value = c.Value, Domain = baseAddress.Host, Path = string.IsNullOrEmpty(c.Path) ? "/" : c.Path,
                HttpOnly = c.HttpOnly, Secure = false, SameSite = SameSiteAttribute.Lax,
            })]);
        return await context.NewPageAsync();
    }

    /// <summary>Whether the element's box lies within the viewport (what the person sees without scrolling).</summary>
    public static Task<bool> InViewAsync(IPage page, string selector) => page.EvaluateAsync<bool>(
        "s => { const r = document.querySelector(s).getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }", selector);
}
