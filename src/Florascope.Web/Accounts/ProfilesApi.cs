using System.Security.Claims;
using Florascope.Data;
using Florascope.Messages;
using Florascope.Data.Accounts;
using Florascope.Identification;
using Florascope.Web.Hosting;
using Florascope.Web.Observations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Florascope.Web.Accounts;

/// <summary>One of my identifications as the account page lists it.</summary>
public sealed record IdentifiedInfo(int ObservationId, string? MyTaxonName, string? TaxonName, string Status, bool Agrees, DateTime IdentifiedUtc,
    string? Thumbnail, int AuthorId, string AuthorName, string AuthorUserName);

/// <summary>
/// People's public figures (/users/{id} and the account page) and the signed-in person's identifications.
/// Their observations come from GET /api/observations?user={id} (public positions only).
/// </summary>
public static class ProfilesApi
{
    public static RouteGroupBuilder MapProfilesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Accounts").WithDomainErrors();
        g.MapGet("/users/{id:int}", Profile).WithSummary("A person's public profile and figures: display and user name, observations, valid ones, species, identifications of others' observations, agreement rate, game score and expertise (no e-mail, no position).");
        g.MapGet("/account/identifications", Identifications).RequireAuthorization()
            .WithSummary("My current identifications of others' observations, newest first (page from 1, pageSize 1..100): my taxon (null: I don't know), the community's, and whether they agree.");
        return g;
    }

    public static async Task<Results<Ok<PersonStatistics>, JsonHttpResult<ApiError>>> Profile(int id, FlorascopeDb db, CancellationToken ct) =>
        await PersonQueries.StatisticsAsync(db, id, ct) is { } stats ? TypedResults.Ok(stats) : ApiErrors.Error(404, MessageText.Of("server.user.not-found", "No user {id}.", ("id", id)));

    public static async Task<Results<Ok<List<IdentifiedInfo>>, JsonHttpResult<ApiError>>> Identifications(ClaimsPrincipal user, FlorascopeDb db, int? page,
        int? pageSize, CancellationToken ct)
    {
        var size = pageSize ?? 20;
        var p = page ?? 1;
        if (ObservationsApi.PageError(p, size) is { } refused) return refused;
        var rows = await PersonQueries.IdentifiedAsync(db, AccountsApi.UserId(user), p, size, ct);
        return TypedResults.Ok(rows.Select(r => new IdentifiedInfo(r.ObservationId, r.MyTaxonName, r.TaxonName, r.Status, r.Agrees, r.IdentifiedUtc,
            r.FirstPhoto is null ? null : $"/api/photos/{r.FirstPhoto}?size=s", r.AuthorId, r.AuthorName ?? "", r.AuthorUserName ?? "")).ToList());
    }
}
