using System.Security.Claims;
using System.Text.Json;
using Florascope.Data;
using Florascope.Data.Models;
using Florascope.Identification;
using Florascope.Web.Accounts;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Web.Models;

public sealed record ModelVersionInfo(string Version, DateTime CreatedUtc, bool Promoted, bool IsCurrent, bool IsRunning, string Decision,
    JsonElement Metrics, string? BaselineVersion, JsonElement? BaselineMetrics, int ObservationPhotos);

public sealed record ModelHistory(string Running, IReadOnlyList<ModelVersionInfo> Versions);

/// <summary>The model history (admins): every candidate, its metrics and the current model's on the same evaluation set, and the decision.</summary>
public static class ModelsApi
{
    public static RouteGroupBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/models").WithTags("Models").WithDomainErrors();
        g.MapGet("/", History).RequireAuthorization(SessionCookie.AdminPolicy).WithSummary("Model versions with their evaluation and promotion decision (admins).");
        g.MapPost("/{version}/promote", Promote).RequireAuthorization(SessionCookie.AdminPolicy).DisableAntiforgery()
            .WithSummary("Make a registered model current on every node, as `florascope models promote` does (admins; form with anti-forgery token).");
        return g;
    }

    public static async Task<Results<Ok<ModelHistory>, JsonHttpResult<ApiError>>> History(FlorascopeDb db, ModelHost models, CancellationToken ct)
    {
        var running = models.Version;
        var rows = await db.ModelVersions.AsNoTracking().OrderByDescending(m => m.CreatedUtc).ThenByDescending(m => m.Id).ToListAsync(ct);
        return TypedResults.Ok(new ModelHistory(running, [.. rows.Select(m => new ModelVersionInfo(m.Version, m.CreatedUtc, m.Promoted, m.IsCurrent,
            m.Version == running, m.Decision, Parse(m.MetricsJson) ?? EmptyObject, m.BaselineVersion, Parse(m.BaselineMetricsJson), m.ObservationPhotos))]));
    }

    /// <summary>
    /// A manual promotion or rollback (<see cref="ModelRegistry.PromoteAsync"/>, the CLI's too): every node,
    /// this one included, switches at its next poll. Answers the history with the new current model.
    /// </summary>
    public static async Task<Results<Ok<ModelHistory>, JsonHttpResult<ApiError>>> Promote(string version, HttpContext context, IAntiforgery antiforgery,
        ClaimsPrincipal user, FlorascopeDb db, ModelHost models, BundleStore bundles, TimeProvider clock, CancellationToken ct)
    {
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is null) return Forms.Forbidden();
        var by = user.Identity?.Name is { Length: > 0 } name ? name : "an administrator";
        await ModelRegistry.PromoteAsync(db, version, $"Promoted by {by} on {clock.GetUtcNow().UtcDateTime:yyyy-MM-dd HH:mm}Z.", ct, bundles);
        return await History(db, models, ct);
    }

    // A row whose metrics are missing or unreadable shows none (default(JsonElement) cannot be serialized: it made the whole answer a 500).
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try { return JsonDocument.Parse(json).RootElement.Clone(); }
        catch (JsonException) { return null; }
    }
}
