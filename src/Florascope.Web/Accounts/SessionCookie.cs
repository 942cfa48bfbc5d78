using System.Globalization;
using System.Security.Claims;
using Florascope.Data;
using Florascope.Data.Security;
using Florascope.Identification;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.WebUtilities;
using Florascope.Messages;

namespace Florascope.Web.Accounts;

/// <summary>
/// The sign-in cookie and the authorization policies. The cookie holds only the user id and the
/// session secret; on every request the session is checked in the database and the rights are read
/// from the users row (no role frozen in the cookie), so sign-out, "sign out everywhere" and a
/// revoked administrator take effect at the next request.
/// </summary>
public static class SessionCookie
{
    public const string SessionClaim = "florascope:session";
    public const string AdminRole = "admin";

    /// <summary>Policy of the administrators' endpoints (model history...).</summary>
    public const string AdminPolicy = "admin";

    public static IServiceCollection AddFlorascopeAccounts(this IServiceCollection services)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(c =>
        {
            c.Cookie.Name = "florascope";
            c.Cookie.HttpOnly = true;
            c.Cookie.SameSite = SameSiteMode.Strict;
            c.SlidingExpiration = true;
            c.ExpireTimeSpan = SessionStore.Lifetime;
            c.Events.OnValidatePrincipal = ValidateAsync;
            // The pages' readable hint of who is signed in follows the session (SessionHint).
            c.Events.OnSigningIn = ctx =>
            {
                if (int.TryParse(ctx.Principal?.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    && ctx.Principal?.FindFirstValue(ClaimTypes.Name) is { } name)
                    SessionHint.Set(ctx.Response, id, name);
                return Task.CompletedTask;
            };
            c.Events.OnSigningOut = ctx => { SessionHint.Clear(ctx.HttpContext.Response); return Task.CompletedTask; };
            // An API answers 401/403 with its error body; it does not redirect to a login page.
            c.Events.OnRedirectToLogin = ctx => ApiErrors.WriteAsync(ctx.HttpContext, StatusCodes.Status401Unauthorized, MessageText.Of("server.sign-in-first", "Sign in first."));
            c.Events.OnRedirectToAccessDenied = ctx => ApiErrors.WriteAsync(ctx.HttpContext, StatusCodes.Status403Forbidden, MessageText.Of("server.administrators-only", "This is for administrators."));
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(AdminRole));
        return services;
    }

    /// <summary>What the cookie carries: the user id and the session secret.</summary>
    public static ClaimsPrincipal Principal(int userId, string secret, string? userName = null, bool isAdmin = false)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, userId.ToString(CultureInfo.InvariantCulture)),
            new(SessionClaim, secret),
        };
        if (userName is not null) claims.Add(new Claim(ClaimTypes.Name, userName));
        if (isAdmin) claims.Add(new Claim(ClaimTypes.Role, AdminRole));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }

    public static string? SecretOf(ClaimsPrincipal principal) => principal.FindFirstValue(SessionClaim);

    /// <summary>Every request with a cookie: an open session, and the rights of the users row now.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        SessionAccount? account = null;
        if (principal is not null && SecretOf(principal) is { } secret
            && int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
        {
            var services = context.HttpContext.RequestServices;
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
            account = await SessionStore.ValidateAsync(services.GetRequiredService<FlorascopeDb>(), secret, userId, now, context.HttpContext.RequestAborted);
            if (account is not null)
            {
                // Rebuilt from the database whatever the cookie says (older cookies carried a role).
                context.ReplacePrincipal(Principal(account.UserId, secret, account.UserName, account.IsAdmin));
                return;
            }
        }
        // Ended, expired, unknown, or a cookie of the time before server-side sessions: anonymous, cookie deleted.
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
