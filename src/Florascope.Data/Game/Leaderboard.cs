using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Game;

/// <summary>A player as the leaderboard lists them.</summary>
public sealed record LeaderboardRow(int UserId, string DisplayName, string UserName, int Score, int Expertise, int Proposals);

/// <summary>Who the game's leaderboard lists, and in which order.</summary>
public static class Leaderboard
{
    /// <summary>
    /// Everyone who has taken part: a score, an expertise, or at least one current name for someone
    /// else's real observation (what can score). Scores only come once the community validates and
    /// expertise with the revision batch: listing scorers alone left the board empty while people
    /// played. By score, expertise, proposals, then the oldest account.
    /// </summary>
    public static Task<List<LeaderboardRow>> TopAsync(FlorascopeDb db, int count, CancellationToken ct = default) =>
        // An anonymous shape while filtering and sorting (EF translates its members, not a record's constructor).
        db.Users.AsNoTracking()
            .Select(u => new
            {
                u.Id, u.DisplayName, u.UserName, u.Score, u.Expertise,
                Proposals = db.Identifications.Count(i => i.UserId == u.Id && i.IsCurrent && i.TaxonName != null
                    && db.Observations.Any(o => o.Id == i.ObservationId && o.AuthorId != u.Id)),
            })
            .Where(u => u.Score > 0 || u.Expertise > 0 || u.Proposals > 0)
            .OrderByDescending(u => u.Score).ThenByDescending(u => u.Expertise).ThenByDescending(u => u.Proposals).ThenBy(u => u.Id)
            .Take(count)
            .Select(u => new LeaderboardRow(u.Id, u.DisplayName, u.UserName, u.Score, u.Expertise, u.Proposals))
            .ToListAsync(ct);
}
