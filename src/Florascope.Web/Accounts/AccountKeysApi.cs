using System.Security.Claims;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Identification;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Florascope.Messages;

namespace Florascope.Web.Accounts;

/// <summary>One of my keys; <see cref="AllowSurvey"/> is shown, never set here: administrators decide (/admin/keys).</summary>
public sealed record OwnKey(int Id, string Name, string Prefix, int DailyQuota, int UsedToday, DateTimeOffset CreatedUtc, bool Revoked, bool AllowSurvey);

public sealed record NewKey(OwnKey Key, string Secret);

/// <summary>A person's own API keys (the profile page): list, create (the key is shown once), revoke. Nobody else's.</summary>
public static class AccountKeysApi
{
    public const int MaxKeysPerUser = 10;

    public static RouteGroupBuilder MapAccountKeysApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/account/keys").WithTags("Accounts").WithDomainErrors().RequireAuthorization();
        g.MapGet("", List).WithSummary("My API keys, with today's use.");
        g.MapPost("", Create).DisableAntiforgery().WithSummary("Create an API key (form: name; anti-forgery token); the key is in this answer only.");
        g.MapDelete("/{id:int}", Revoke).WithSummary("Revoke one of my API keys (anti-forgery token in the X-CSRF-TOKEN header).");
        return g;
    }

    public static async Task<Results<Ok<List<OwnKey>>, JsonHttpResult<ApiError>>> List(ClaimsPrincipal user, FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        var userId = AccountsApi.UserId(user);
        var today = QuotaStore.Today(clock);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).OrderBy(k => k.Id).ToListAsync(ct);
        var ids = keys.Select(k => k.Id).ToList();
        var used = await db.QuotaUsage.AsNoTracking().Where(q => ids.Contains(q.ApiKeyId) && q.Day == today).ToDictionaryAsync(q => q.ApiKeyId, q => q.Count, ct);
        return TypedResults.Ok(keys.Select(k => Own(k, used.GetValueOrDefault(k.Id))).ToList());
    }

    public static async Task<Results<Ok<NewKey>, JsonHttpResult<ApiError>>> Create(HttpContext context, ClaimsPrincipal user, FlorascopeDb db,
        IAntiforgery antiforgery, TimeProvider clock, CancellationToken ct)
    {
        var userId = AccountsApi.UserId(user);
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is not { } form) return Forms.Forbidden();
        var name = form["name"].ToString().Trim();
        if (name.Length is < 1 or > 200) return ApiErrors.BadRequest(MessageText.Of("server.keys.bad-name", "A key needs a name of 1 to 200 characters."));
        if (await db.ApiKeys.CountAsync(k => k.UserId == userId && k.RevokedUtc == null, ct) >= MaxKeysPerUser)
            return ApiErrors.BadRequest(MessageText.Of("server.keys.too-many", "At most {max} active keys per account: revoke one first.", ("max", MaxKeysPerUser)));
        var (key, secret) = await ApiKeyStore.CreateAsync(db, name, ApiKeyStore.DefaultDailyQuota, clock, userId, ct);
        return TypedResults.Ok(new NewKey(Own(key, 0), secret));
    }

    public static async Task<Results<NoContent, JsonHttpResult<ApiError>>> Revoke(int id, HttpContext context, ClaimsPrincipal user, FlorascopeDb db,
        IAntiforgery antiforgery, TimeProvider clock, CancellationToken ct)
    {
        var userId = AccountsApi.UserId(user);
        if (!await antiforgery.IsRequestValidAsync(context)) return Forms.Forbidden();
        // Someone else's key is answered like a missing one: its existence is not revealed.
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.UserId == userId, ct);
        if (key is null) return ApiErrors.Error(404, MessageText.Of("server.keys.not-found", "No key {id} of yours.", ("id", id)));
        key.RevokedUtc ??= clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static OwnKey Own(ApiKey k, int used) => new(k.Id, k.Name, k.Prefix, k.DailyQuota, used, k.CreatedUtc, k.RevokedUtc is not null, k.AllowSurvey);
}
