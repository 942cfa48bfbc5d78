using System.Security.Claims;
using System.Text.RegularExpressions;
using Florascope.Data;
using Florascope.Data.Accounts;
using Florascope.Identification;
using Florascope.Taxonomy;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Web.Accounts;

public sealed record AccountInfo(int Id, string UserName, string DisplayName, bool IsAdmin, string Language);

public sealed record AntiforgeryToken(string FormFieldName, string? HeaderName, string Token);

/// <summary>
/// Sign-up, sign-in and sign-out with a cookie. Passwords are hashed by ASP.NET Core Identity's
/// PasswordHasher (PBKDF2); the first account is the administrator. Every form is checked against
/// an anti-forgery token and the cookie is SameSite=Strict.
/// </summary>
public static partial class AccountsApi
{
    public const int MinPassword = 10;
    private static readonly PasswordHasher<User> Hasher = new();

    [GeneratedRegex("^[a-z0-9._-]{3,40}$")]
    private static partial Regex UserNamePattern();

    public static RouteGroupBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/account").WithTags("Accounts");
        g.MapGet("/antiforgery", Token).WithSummary("An anti-forgery token for the forms of this session.");
        g.MapPost("/signup", SignUp).DisableAntiforgery().WithSummary("Create an account (form: userName, email, password, displayName) and sign in.");
        g.MapPost("/signin", SignIn).DisableAntiforgery().WithSummary("Sign in (form: login = user name or e-mail, password).");
        g.MapPost("/signout", SignOut).DisableAntiforgery().WithSummary("Sign out.");
        g.MapGet("/me", Me).WithSummary("The signed-in account.");
        return g;
    }

    public static Ok<AntiforgeryToken> Token(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Ok(new AntiforgeryToken(tokens.FormFieldName, tokens.HeaderName, tokens.RequestToken!));
    }

    public static async Task<Results<Ok<AccountInfo>, JsonHttpResult<ApiError>>> SignUp(HttpContext context, FlorascopeDb db, IAntiforgery antiforgery,
        TimeProvider clock, CancellationToken ct)
    {
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is not { } form) return Forms.Forbidden();
        var userName = form["userName"].ToString().Trim().ToLowerInvariant();
        // E-mail addresses compare without case: one account per address.
        var email = form["email"].ToString().Trim().ToLowerInvariant();
        var password = form["password"].ToString();
        var language = form["language"].ToString() is { Length: > 0 } l ? l : "en";
        if (!UserNamePattern().IsMatch(userName)) return ApiErrors.BadRequest("A user name is 3 to 40 characters: lower-case letters, digits, '.', '-' or '_'.");
        if (email.Length is < 3 or > 254 || !email.Contains('@', StringComparison.Ordinal)) return ApiErrors.BadRequest("Give a valid e-mail address.");
        if (password.Length < MinPassword) return ApiErrors.BadRequest($"A password has at least {MinPassword} characters.");
        if (!Languages.IsKnown(language)) return ApiErrors.BadRequest("Unknown language.");
        if (await db.Users.AnyAsync(u => u.UserName == userName || u.Email == email, ct))
            return ApiErrors.Error(409, "That user name or e-mail is already taken.");

        var user = new User
        {
            UserName = userName,
            Email = email,
            PasswordHash = "",
            DisplayName = form["displayName"].ToString().Trim() is { Length: > 0 and <= 100 } d ? d : userName,
            Language = language,
            CreatedUtc = clock.GetUtcNow().UtcDateTime,
            // The first account administers the observatory; later ones are granted with the CLI.
            IsAdmin = !await db.Users.AnyAsync(ct),
        };
        user.PasswordHash = Hasher.HashPassword(user, password);
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        await SignInAsync(context, user);
        return TypedResults.Ok(Info(user));
    }

    public static async Task<Results<Ok<AccountInfo>, JsonHttpResult<ApiError>>> SignIn(HttpContext context, FlorascopeDb db, IAntiforgery antiforgery, CancellationToken ct)
    {
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is not { } form) return Forms.Forbidden();
        var login = form["login"].ToString().Trim().ToLowerInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == login || u.Email == login, ct);
        var verdict = user is null ? PasswordVerificationResult.Failed : Hasher.VerifyHashedPassword(user, user.PasswordHash, form["password"].ToString());
        if (user is null || verdict == PasswordVerificationResult.Failed)
            return ApiErrors.Error(401, "Unknown user name or wrong password.");
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, form["password"].ToString());
            await db.SaveChangesAsync(ct);
        }
        await SignInAsync(context, user);
        return TypedResults.Ok(Info(user));
    }

    public static async Task<Results<NoContent, JsonHttpResult<ApiError>>> SignOut(HttpContext context, IAntiforgery antiforgery)
    {
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is null) return Forms.Forbidden();
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<AccountInfo>, JsonHttpResult<ApiError>>> Me(ClaimsPrincipal principal, FlorascopeDb db, CancellationToken ct)
    {
        if (CurrentUserId(principal) is not { } id) return ApiErrors.Error(401, "Not signed in.");
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        return user is null ? ApiErrors.Error(401, "Not signed in.") : TypedResults.Ok(Info(user));
    }

    public static int? CurrentUserId(ClaimsPrincipal principal) =>
        int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static bool IsAdmin(ClaimsPrincipal principal) => principal.IsInRole("admin");

    private static AccountInfo Info(User u) => new(u.Id, u.UserName, u.DisplayName, u.IsAdmin, u.Language);

    private static Task SignInAsync(HttpContext context, User user)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new(ClaimTypes.Name, user.UserName) };
        if (user.IsAdmin) claims.Add(new Claim(ClaimTypes.Role, "admin"));
        var identity = new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme);
        return context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
    }
}

/// <summary>Form reading with the anti-forgery check every state-changing form needs.</summary>
public static class Forms
{
    /// <summary>The form, or null when it is missing or its anti-forgery token is missing or wrong.</summary>
    public static async Task<IFormCollection?> ReadCheckedFormAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!context.Request.HasFormContentType) return null;
        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return null;
        }
        return await context.Request.ReadFormAsync(context.RequestAborted);
    }

    public static JsonHttpResult<ApiError> Forbidden() =>
        ApiErrors.Error(400, "Missing or invalid anti-forgery token: get one from /api/account/antiforgery and send it with the form.");
}
