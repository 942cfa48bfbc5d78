using System.Globalization;
using System.Security.Claims;

namespace Florascope.Web.Accounts;

/// <summary>
/// The readable cookie <c>fs-user</c> ("id:userName") that tells the pages who is signed in without a
/// round trip, offline too (js/shared.js signedIn). A hint for drawing the pages, never a credential:
/// the session cookie stays HttpOnly and decides every request. Kept in step with the session: set at
/// sign-in and on each request with a valid session, deleted at sign-out and on any request without one.
/// </summary>
public static class SessionHint
{
    public const string CookieName = "fs-user";

    public static string Value(int userId, string userName) => userId.ToString(CultureInfo.InvariantCulture) + ":" + userName;

    public static void Set(HttpResponse response, int userId, string userName) =>
        response.Cookies.Append(CookieName, Value(userId, userName), new CookieOptions
        {
            HttpOnly = false, // read by the pages: that is its purpose
            Secure = response.HttpContext.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            // No expiry of its own: it ends with the browser session, as the sign-in cookie does
            // (not persistent), and the middleware sets it again on the next request while the session lasts.
            IsEssential = true,
        });

    public static void Clear(HttpResponse response) => response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });

    /// <summary>After authentication: the hint says what the session says (signed in as whom, or not).</summary>
    public static void UseSessionHint(this WebApplication app) => app.Use((context, next) =>
    {
        var hint = context.Request.Cookies[CookieName];
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true
            && int.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && user.FindFirstValue(ClaimTypes.Name) is { } name)
        {
            if (hint != Value(id, name)) Set(context.Response, id, name);
        }
        else if (hint is not null) Clear(context.Response);
        return next(context);
    });
}
