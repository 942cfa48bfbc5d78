using System.Security.Claims;
using Florascope.Data;
using Florascope.Data.Game;
using Florascope.Data.Observations;
using Florascope.Identification;
using Florascope.Revision;
using Florascope.Web.Accounts;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Florascope.Messages;

namespace Florascope.Web.Game;

public sealed record GamePhoto(int Id, string Organ, string Small, string Medium);

/// <summary>An observation offered to a player. <c>Suggestion</c> is null when the player hides it (so it does not anchor them).</summary>
public sealed record GameItem(int Id, string Status, string Project, DateTime ObservedUtc, double? Latitude, double? Longitude, IReadOnlyList<GamePhoto> Photos,
    int Votes, GameSuggestion? Suggestion);

/// <summary>The model's guess, and the community's current taxon (null until someone names the plant).</summary>
public sealed record GameSuggestion(string? ModelTaxonName, double? ModelScore, string? CommunityTaxonName);

public sealed record PlayerInfo(int UserId, string Name, int Expertise, double Weight, int Score, int Proposals, int Pending, bool CanValidateAlone, string UserName);

/// <summary>
/// A player of the leaderboard; the unique <c>UserName</c> is shown beside the chosen <c>Name</c>.
/// <c>Proposals</c>: their current names for others' observations, scored or still waiting.
/// </summary>
public sealed record LeaderboardEntry(int Rank, int UserId, string Name, int Score, int Expertise, double Weight, string UserName, int Proposals);

/// <summary>
/// "Help identify": a stream of observations that need votes, in a chosen flora; the player names
/// one (through the observations API) or skips it; they score when the community's weighted vote
/// later validates the taxon they proposed.
/// </summary>
public static class GameApi
{
    public const int MaxBatch = 20;

    public static RouteGroupBuilder MapGameApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/game").WithTags("Identification game").WithDomainErrors();
        g.MapGet("/next", Next).RequireAuthorization().WithSummary("Observations that need votes, for the signed-in player (project, count, hideSuggestion).");
        g.MapPost("/skip/{id:int}", Skip).RequireAuthorization().DisableAntiforgery().WithSummary("Pass on an observation: it is not offered again (anti-forgery token in the header).");
        g.MapGet("/me", Me).RequireAuthorization().WithSummary("The player's expertise, weight and score.");
        g.MapGet("/leaderboard", Leaderboard).WithSummary("The players with the highest scores.");
        return g;
    }

    public static async Task<Results<Ok<List<GameItem>>, JsonHttpResult<ApiError>>> Next(ClaimsPrincipal user, FlorascopeDb db, IdentificationEngine engine,
        string? project, int? count, bool? hideSuggestion, CancellationToken ct)
    {
        var userId = AccountsApi.UserId(user);
        project = string.IsNullOrEmpty(project) ? Florascope.Taxonomy.Checklist.AllProject : project;
        var checklist = engine.Bundle.Checklist;
        if (!checklist.HasProject(project)) return ApiErrors.Error(404, MessageText.Of("server.unknown-project-of", "Unknown project '{project}': use one of {projects}.", ("project", project), ("projects", string.Join(", ", checklist.Projects))));
        var n = count ?? 5;
        if (n is < 1 or > MaxBatch) return ApiErrors.BadRequest(MessageText.Of("server.bad-count", "count is 1..{max}.", ("max", MaxBatch)));

        var rows = await GameEligibility.OfferedTo(db, userId, project, checklist).AsNoTracking()
            .Take(n)
            .Select(o => new
            {
                // The public position (geoprivacy), never the true one: players are the public.
                o.Id, o.Status, o.Project, o.ObservedUtc, Latitude = o.PublicLatitude, Longitude = o.PublicLongitude, o.ModelTaxonName, o.ModelScore, o.TaxonName,
                Photos = o.Photos.Where(p => p.ExcludedBecause == null).OrderBy(p => p.Position).Select(p => new { p.Id, p.Organ, p.VotedOrgan, p.Sha256 }).ToList(),
                Votes = db.Identifications.Count(i => i.ObservationId == o.Id && i.IsCurrent && i.TaxonName != null),
            }).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(o => new GameItem(o.Id, o.Status, o.Project, o.ObservedUtc,
            // A rough place (about 1 km) is enough to play; the observation page has the exact one.
            o.Latitude is { } la ? Math.Round(la, 2) : null, o.Longitude is { } lo ? Math.Round(lo, 2) : null,
            [.. o.Photos.Select(p => new GamePhoto(p.Id, p.VotedOrgan ?? p.Organ, $"/api/photos/{p.Sha256}?size=s", $"/api/photos/{p.Sha256}?size=m"))],
            // With no person's name (none, or only "I don't know"), the decided taxon is the model's alone: no community to lean.
            o.Votes, hideSuggestion == true ? null : new GameSuggestion(o.ModelTaxonName, o.ModelScore, o.Votes > 0 ? o.TaxonName : null))).ToList());
    }

    public static async Task<Results<NoContent, JsonHttpResult<ApiError>>> Skip(int id, HttpContext context, ClaimsPrincipal user, FlorascopeDb db,
        IAntiforgery antiforgery, TimeProvider clock, CancellationToken ct)
    {
        var userId = AccountsApi.UserId(user);
        if (!await antiforgery.IsRequestValidAsync(context)) return Forms.Forbidden();
        if (!await db.Observations.AnyAsync(o => o.Id == id, ct)) return ApiErrors.Error(404, MessageText.Of("server.observation.not-found", "No observation {id}.", ("id", id)));
        if (!await db.GameSkips.AnyAsync(s => s.UserId == userId && s.ObservationId == id, ct))
        {
            db.GameSkips.Add(new GameSkip { UserId = userId, ObservationId = id, CreatedUtc = clock.GetUtcNow().UtcDateTime });
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException) { /* skipped twice at once: once is enough */ }
        }
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<PlayerInfo>, JsonHttpResult<ApiError>>> Me(ClaimsPrincipal user, FlorascopeDb db, AggregationSettings settings, CancellationToken ct)
    {
        var userId = AccountsApi.UserId(user);
        var u = await db.Users.AsNoTracking().Where(x => x.Id == userId).Select(x => new { x.Id, x.DisplayName, x.UserName, x.Expertise, x.Score }).FirstOrDefaultAsync(ct);
        if (u is null) return ApiErrors.Error(401, MessageText.Of("server.game.sign-in", "Sign in to play."));
        var proposals = await (from i in db.Identifications
                               join o in db.Observations on i.ObservationId equals o.Id
                               where i.UserId == userId && i.IsCurrent && i.TaxonName != null && o.AuthorId != userId
                               select o.IsValid).ToListAsync(ct);
        var weight = settings.Weight(u.Expertise);
        return TypedResults.Ok(new PlayerInfo(u.Id, u.DisplayName.Length > 0 ? u.DisplayName : u.UserName, u.Expertise, weight, u.Score,
            proposals.Count, proposals.Count(v => !v), weight > settings.ThetaConfidence, u.UserName));
    }

    /// <summary>The players who took part (<see cref="Florascope.Data.Game.Leaderboard.TopAsync"/>), ranked.</summary>
    public static async Task<Results<Ok<List<LeaderboardEntry>>, JsonHttpResult<ApiError>>> Leaderboard(FlorascopeDb db, AggregationSettings settings, int? count, CancellationToken ct)
    {
        var n = count ?? 20;
        if (n is < 1 or > 100) return ApiErrors.BadRequest(MessageText.Of("server.bad-count", "count is 1..{max}.", ("max", 100)));
        var rows = await Florascope.Data.Game.Leaderboard.TopAsync(db, n, ct);
        return TypedResults.Ok(rows.Select((u, i) => new LeaderboardEntry(i + 1, u.UserId, u.DisplayName.Length > 0 ? u.DisplayName : u.UserName, u.Score, u.Expertise,
            settings.Weight(u.Expertise), u.UserName, u.Proposals)).ToList());
    }
}
