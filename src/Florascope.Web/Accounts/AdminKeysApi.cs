using System.Text.Json;
using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Identification;
using Florascope.Messages;
using Florascope.Web.Assets;
using Florascope.Web.Hosting;
using Florascope.Web.Observations;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Florascope.Web.Accounts;

/// <summary>A key on the administrators' list: <see cref="Owner"/> is the owner's user name, null for the operator's keys.</summary>
public sealed record AdminKey(int Id, string Name, string Prefix, string? Owner, int DailyQuota, int UsedToday, DateTimeOffset CreatedUtc,
    bool Revoked, bool AllowSurvey);

/// <summary>
/// Every API key for administrators (/api/admin/keys, page /admin/keys): the list, and allowing a key to run
/// surveys, which cost hundreds of identifications each. Owners only see the flag on their own keys.
/// </summary>
public static class AdminKeysApi
{
    public const int DefaultPageSize = 50;

    public static RouteGroupBuilder MapAdminKeysApi(this IEndpointRouteBuilder app)
    {
        app.MapPage("/admin/keys", "admin-keys");
        var g = app.MapGroup("/api/admin/keys").WithTags("Administration").RequireAuthorization(SessionCookie.AdminPolicy).WithDomainErrors();
        g.MapGet("", List).WithSummary("Every API key, newest first, a page at a time (page, pageSize up to 100; admins): owner, quota, today's use, whether it may survey.");
        g.MapPost("/{id:int}/survey", SetSurvey).DisableAntiforgery()
            .WithSummary("Allow or disallow surveys for a key (admins; form or JSON allow=true|false, anti-forgery token in the form or the header): 404 unknown, 409 revoked.");
        return g;
    }

    public static async Task<Results<Ok<List<AdminKey>>, JsonHttpResult<ApiError>>> List(int? page, int? pageSize, FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        var (p, size) = (page ?? 1, pageSize ?? DefaultPageSize);
        if (ObservationsApi.PageError(p, size) is { } refused) return refused;
        var keys = await ApiKeyStore.ListAsync(db, QuotaStore.Today(clock), (p - 1) * size, size, ct);
        return TypedResults.Ok(keys.Select(Admin).ToList());
    }

    public static async Task<Results<Ok<AdminKey>, JsonHttpResult<ApiError>>> SetSurvey(int id, HttpContext context, IAntiforgery antiforgery,
        FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        if (!await antiforgery.IsRequestValidAsync(context)) return Forms.Forbidden();
        if (ParseAllow(await ReadAllowAsync(context.Request, ct)) is not { } allow)
            return ApiErrors.BadRequest(MessageText.Of("server.apikeys.bad-allow", "Send allow=true or allow=false (form or JSON)."));
        await ApiKeyStore.SetSurveyAsync(db, id, allow, ct);
        return TypedResults.Ok(Admin((await ApiKeyStore.ListingAsync(db, id, QuotaStore.Today(clock), ct))!));
    }

    /// <summary>"true" or "false" (any case), else null: anything else is a mistake, never read as false.</summary>
    public static bool? ParseAllow(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => null,
    };

    /// <summary>The allow field of a form, or of a JSON object (a boolean or its text); null when absent or unreadable.</summary>
    private static async Task<string?> ReadAllowAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType) return (await request.ReadFormAsync(ct))["allow"].FirstOrDefault();
        if (!request.HasJsonContentType()) return null;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            if (body.RootElement.ValueKind != JsonValueKind.Object || !body.RootElement.TryGetProperty("allow", out var allow)) return null;
            return allow.ValueKind switch
            {
                JsonValueKind.String => allow.GetString(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static AdminKey Admin(ApiKeyListing l) =>
        new(l.Key.Id, l.Key.Name, l.Key.Prefix, l.OwnerUserName, l.Key.DailyQuota, l.UsedToday, l.Key.CreatedUtc, l.Key.RevokedUtc is not null, l.Key.AllowSurvey);
}
