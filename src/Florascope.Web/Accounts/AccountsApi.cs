using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Florascope.Data;
using Florascope.Data.Accounts;
using Florascope.Data.Security;
using Florascope.Identification;
using Florascope.Taxonomy;
using Florascope.Web.Hosting;
using Florascope.Web.Identify;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Florascope.Messages;

namespace Florascope.Web.Accounts;

public sealed record AccountInfo(int Id, string UserName, string DisplayName, bool IsAdmin, string Language);

public sealed record AntiforgeryToken(string FormFieldName, string? HeaderName, string Token);

/// <summary>An open session of the signed-in account (the account page lists them).</summary>
public sealed record SessionInfo(DateTime CreatedUtc, DateTime LastSeenUtc, string? UserAgent, bool IsThisSession);

/// <summary>
/// Sign-up, sign-in and sign-out. Passwords are hashed by ASP.NET Core Identity's PasswordHasher
/// (PBKDF2); the first account is the administrator (AccountStore). A sign-in opens a server-side
/// session (SessionStore) whose secret travels in the cookie; SessionCookie validates it on every
/// request. Sign-in failures are throttled per account and per address (SignInThrottle), with a
/// known-device cookie that keeps the owner's own allowance; sign-ups per address and day (SignUpThrottle). Every
/// form is checked against an anti-forgery token and the cookie is SameSite=Strict.
/// </summary>
public static partial class AccountsApi
{
    public const int MinPassword = 10;
    private static readonly PasswordHasher<User> Hasher = new();

    // Verified when the login names no account, so that an unknown name costs the same time as a wrong password.
    private static readonly string DummyHash = Hasher.HashPassword(new User { UserName = "", Email = "", PasswordHash = "" }, Guid.NewGuid().ToString());

    [GeneratedRegex("^[a-z0-9._-]{3,40}$")]
    private static partial Regex UserNamePattern();

    public static RouteGroupBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/account").WithTags("Accounts").WithDomainErrors();
        g.MapGet("/antiforgery", Token).WithSummary("An anti-forgery token for the forms of this session.");
        g.MapPost("/signup", SignUp).DisableAntiforgery().WithSummary("Create an account (form: userName, email, password, displayName) and sign in; sign-ups are limited per address and day (429 + Retry-After).");
        g.MapPost("/signin", SignIn).DisableAntiforgery()
            .WithSummary("Sign in (form: login = user name or e-mail, password); failures are limited per account and per address (429 + Retry-After).");
        g.MapPost("/signout", SignOut).DisableAntiforgery().WithSummary("Sign out: ends this session on the server.");
        g.MapPost("/signout-everywhere", SignOutEverywhere).DisableAntiforgery().RequireAuthorization()
            .WithSummary("End every session of the signed-in account, this one included (form with anti-forgery token).");
        g.MapGet("/sessions", Sessions).RequireAuthorization().WithSummary("The open sessions of the signed-in account.");
        g.MapGet("/me", Me).RequireAuthorization().WithSummary("The signed-in account.");
        g.MapGet("/session", Session).WithSummary("The signed-in account, or 204 when signed out (pages ask it on every visit: no error for anonymous visitors).");
        return g;
    }

    public static Ok<AntiforgeryToken> Token(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Ok(new AntiforgeryToken(tokens.FormFieldName, tokens.HeaderName, tokens.RequestToken!));
    }

    public static async Task<Results<Ok<AccountInfo>, JsonHttpResult<ApiError>>> SignUp(HttpContext context, FlorascopeDb db, IAntiforgery antiforgery,
        AddressSalt salt, IOptions<FlorascopeOptions> options, IDataProtectionProvider protection, TimeProvider clock, CancellationToken ct)
    {
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is not { } form) return Forms.Forbidden();
        var userName = form["userName"].ToString().Trim().ToLowerInvariant();
        // E-mail addresses compare without case: one account per address.
        var email = form["email"].ToString().Trim().ToLowerInvariant();
        var password = form["password"].ToString();
        var language = form["language"].ToString() is { Length: > 0 } l ? l : "en";
        if (!UserNamePattern().IsMatch(userName)) return ApiErrors.BadRequest(MessageText.Of("server.account.bad-user-name", "A user name is 3 to 40 characters: lower-case letters, digits, '.', '-' or '_'."));
        if (email.Length is < 3 or > 254 || !email.Contains('@', StringComparison.Ordinal)) return ApiErrors.BadRequest(MessageText.Of("server.account.bad-email", "Give a valid e-mail address."));
        if (password.Length < MinPassword) return ApiErrors.BadRequest(MessageText.Of("server.account.short-password", "A password has at least {min} characters.", ("min", MinPassword)));
        if (!Languages.IsKnown(language)) return ApiErrors.BadRequest(MessageText.Of("server.unknown-language", "Unknown language."));
        // Counted before anything costly or stored (and before the name check, which would otherwise enumerate names freely).
        if (await SignUpThrottle.AdmitAsync(db, AddressSubject(context, salt), clock.GetUtcNow().UtcDateTime, options.Value.SignIn, ct) is { } signUpWait)
        {
            ServerMetrics.Refused(LimitKind.SignUpsThrottled);
            return TooMany(context, signUpWait, MessageText.Of("server.account.sign-ups-throttled", "Too many sign-ups from this address today: try again tomorrow."));
        }
        // Cheap before the hash; AccountStore.SignUpAsync decides for good (races answer 409 too).
        if (await AccountStore.IsTakenAsync(db, userName, email, ct)) throw new AccountException(AccountError.Taken, MessageText.Of("server.account.taken", "That user name or e-mail is already taken."));

        var user = new User
        {
            UserName = userName,
            Email = email,
            PasswordHash = "",
            DisplayName = form["displayName"].ToString().Trim() is { Length: > 0 and <= 100 } d ? d : userName,
            Language = language,
            CreatedUtc = clock.GetUtcNow().UtcDateTime,
        };
        user.PasswordHash = Hasher.HashPassword(user, password);
        await AccountStore.SignUpAsync(db, user, ct);
        await SignInAsync(context, db, user, clock, ct);
        KnownDeviceCookie.Issue(context, protection, user.Id, user.CreatedUtc, options.Value.SignIn.KnownDeviceLifetime);
        return TypedResults.Ok(Info(user));
    }

    public static async Task<Results<Ok<AccountInfo>, JsonHttpResult<ApiError>>> SignIn(HttpContext context, FlorascopeDb db, IAntiforgery antiforgery,
        AddressSalt salt, IOptions<FlorascopeOptions> options, IDataProtectionProvider protection, TimeProvider clock, CancellationToken ct)
    {
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is not { } form) return Forms.Forbidden();
        var login = form["login"].ToString().Trim().ToLowerInvariant();
        var password = form["password"].ToString();
        if (login.Length is 0 or > 254) return ApiErrors.Error(401, MessageText.Of("server.account.sign-in-refused", "Unknown user name or wrong password."));
        var limits = options.Value.SignIn;
        var now = clock.GetUtcNow().UtcDateTime;
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == login || u.Email == login, ct);
        var account = user is null ? SignInThrottle.UnknownLoginSubject(salt.Hash("login:" + login)) : SignInThrottle.AccountSubject(user.Id);
        var address = AddressSubject(context, salt);
        // A client that signed in to this account before has its own allowance: others' guesses do not lock it out.
        var device = user is not null && KnownDeviceCookie.DeviceOf(context, protection, user.Id, now) is { } d ? SignInThrottle.DeviceSubject(d) : null;
        // Checked before the (expensive) hash, and the same for known and unknown names.
        if (await SignInThrottle.AdmitAsync(db, account, address, now, limits, device, ct) is { } wait)
        {
            ServerMetrics.Refused(LimitKind.SignInsThrottled);
            return TooMany(context, wait, MessageText.Of("server.account.sign-ins-throttled", "Too many failed sign-ins for this account or from this address: try again later."));
        }
        // An unknown name is verified against a dummy hash: the answer and its time do not tell which names exist.
        var verdict = Hasher.VerifyHashedPassword(user ?? new User { UserName = "", Email = "", PasswordHash = "" }, user?.PasswordHash ?? DummyHash, password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            await SignInThrottle.FailedAsync(db, address, now, limits, ct);
            return ApiErrors.Error(401, MessageText.Of("server.account.sign-in-refused", "Unknown user name or wrong password."));
        }
        await SignInThrottle.SucceededAsync(db, account, device, ct);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, password);
            await db.SaveChangesAsync(ct);
        }
        await SignInAsync(context, db, user, clock, ct);
        KnownDeviceCookie.Issue(context, protection, user.Id, now, limits.KnownDeviceLifetime);
        return TypedResults.Ok(Info(user));
    }

    /// <summary>The salted key of the client's address (<see cref="ClientAddress"/>), the subject of the per-address sign-in and sign-up counts.</summary>
    private static string AddressSubject(HttpContext context, AddressSalt salt) => salt.Hash("signin:" + ClientAddress.Key(context.Connection.RemoteIpAddress));

    /// <summary>429 with Retry-After (whole seconds) and the API body.</summary>
    private static JsonHttpResult<ApiError> TooMany(HttpContext context, TimeSpan wait, MessageText message)
    {
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ApiErrors.Error(429, message);
    }

    public static async Task<Results<NoContent, JsonHttpResult<ApiError>>> SignOut(HttpContext context, FlorascopeDb db, IAntiforgery antiforgery,
        TimeProvider clock, CancellationToken ct)
    {
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is null) return Forms.Forbidden();
        // Ended on the server: the cookie, if replayed, is refused.
        if (SessionCookie.SecretOf(context.User) is { } secret) await SessionStore.EndAsync(db, secret, clock.GetUtcNow().UtcDateTime, ct);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, JsonHttpResult<ApiError>>> SignOutEverywhere(HttpContext context, ClaimsPrincipal principal,
        FlorascopeDb db, IAntiforgery antiforgery, TimeProvider clock, CancellationToken ct)
    {
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is null) return Forms.Forbidden();
        await SessionStore.EndAllAsync(db, UserId(principal), clock.GetUtcNow().UtcDateTime, ct);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<List<SessionInfo>>> Sessions(ClaimsPrincipal principal, FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        var current = SessionCookie.SecretOf(principal) is { } secret ? SessionStore.IdOf(secret) : null;
        var open = await SessionStore.OpenAsync(db, UserId(principal), clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Ok(open.Select(s => new SessionInfo(s.CreatedUtc, s.LastSeenUtc, s.UserAgent, s.Id == current)).ToList());
    }

    public static async Task<Results<Ok<AccountInfo>, JsonHttpResult<ApiError>>> Me(ClaimsPrincipal principal, FlorascopeDb db, CancellationToken ct)
    {
        var id = UserId(principal);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        return user is null ? ApiErrors.Error(401, MessageText.Of("server.account.not-signed-in", "Not signed in.")) : TypedResults.Ok(Info(user));
    }

    /// <summary>As <see cref="Me"/>, but a signed-out visitor is an ordinary answer (204), not an error the browser logs.</summary>
    public static async Task<Results<Ok<AccountInfo>, NoContent>> Session(ClaimsPrincipal principal, FlorascopeDb db, CancellationToken ct)
    {
        var user = CurrentUserId(principal) is { } id ? await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct) : null;
        return user is null ? TypedResults.NoContent() : TypedResults.Ok(Info(user));
    }

    /// <summary>The signed-in user's id, or null (anonymous). Claims are set by SessionCookie from an open session.</summary>
    public static int? CurrentUserId(ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true && int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    /// <summary>The signed-in user's id, in handlers behind <c>RequireAuthorization()</c> (which answered 401 otherwise).</summary>
    public static int UserId(ClaimsPrincipal principal) =>
        CurrentUserId(principal) ?? throw new InvalidOperationException("This endpoint needs RequireAuthorization().");

    /// <summary>Administrator rights as the users row has them at this request (see SessionCookie).</summary>
    public static bool IsAdmin(ClaimsPrincipal principal) => principal.IsInRole(SessionCookie.AdminRole);

    private static AccountInfo Info(User u) => new(u.Id, u.UserName, u.DisplayName, u.IsAdmin, u.Language);

    /// <summary>The one mapping of account errors to HTTP.</summary>
    private static async Task SignInAsync(HttpContext context, FlorascopeDb db, User user, TimeProvider clock, CancellationToken ct)
    {
        var secret = await SessionStore.StartAsync(db, user.Id, context.Request.Headers.UserAgent.ToString(), clock.GetUtcNow().UtcDateTime, ct);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, SessionCookie.Principal(user.Id, secret, user.UserName));
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
        ApiErrors.Error(400, MessageText.Of("server.antiforgery", "Missing or invalid anti-forgery token: get one from /api/account/antiforgery and send it with the form."));
}
