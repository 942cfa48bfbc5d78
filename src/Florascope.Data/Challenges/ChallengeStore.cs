using Florascope.Challenges;
using Florascope.Messages;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Challenges;

/// <summary>What an administrator may change of a challenge; a null field stays as it is.</summary>
public sealed record ChallengeEdit(string? Name = null, string? Description = null, DateTime? OpensUtc = null, DateTime? ClosesUtc = null,
    int? DailySubmissionLimit = null, int? MaxTeamSize = null);

/// <summary>Finding challenges, and the administrator's changes to one (dates, limits, early closing).</summary>
public static class ChallengeStore
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxDailySubmissionLimit = 1000;
    public const int MaxTeamSizeLimit = 100;

    /// <summary>The challenge of a slug, or <see cref="ChallengeError.NotFound"/>.</summary>
    public static async Task<Challenge> FindAsync(FlorascopeDb db, string slug, CancellationToken ct) =>
        await db.Challenges.AsNoTracking().FirstOrDefaultAsync(c => c.Slug == slug, ct) ?? throw NotFound(slug);

    private static ChallengeException NotFound(string slug) =>
        new(MessageText.Of("server.challenge-api.not-found", "No challenge {slug}.", ("slug", slug)), ChallengeError.NotFound);

    /// <summary>Every challenge, the newest opening first.</summary>
    public static Task<List<Challenge>> ListAsync(FlorascopeDb db, CancellationToken ct) =>
        db.Challenges.AsNoTracking().OrderByDescending(c => c.OpensUtc).ThenByDescending(c => c.Id).ToListAsync(ct);

    /// <summary>Teams (the baseline's excluded) per challenge.</summary>
    public static async Task<Dictionary<int, int>> TeamCountsAsync(FlorascopeDb db, CancellationToken ct) =>
        await db.ChallengeTeams.Where(t => !t.IsBaseline).GroupBy(t => t.ChallengeId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);

    /// <summary>Stored runs per challenge.</summary>
    public static async Task<Dictionary<int, int>> RunCountsAsync(FlorascopeDb db, CancellationToken ct) =>
        await db.ChallengeRuns.GroupBy(r => r.ChallengeId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);

    /// <summary>Applies an administrator's changes after checking them all (nothing is changed when one is wrong).</summary>
    public static async Task<Challenge> EditAsync(FlorascopeDb db, string slug, ChallengeEdit edit, CancellationToken ct)
    {
        var challenge = await db.Challenges.FirstOrDefaultAsync(c => c.Slug == slug, ct) ?? throw NotFound(slug);
        var name = edit.Name?.Trim() ?? challenge.Name;
        if (name.Length is 0 or > MaxNameLength)
            throw Invalid(MessageText.Of("server.challenge-api.bad-name", "A challenge's name has 1 to {max} characters.", ("max", MaxNameLength)));
        var description = edit.Description?.Trim() ?? challenge.Description;
        if (description.Length > MaxDescriptionLength)
            throw Invalid(MessageText.Of("server.challenge-api.bad-description", "A description has at most {max} characters.", ("max", MaxDescriptionLength)));
        var opens = edit.OpensUtc ?? challenge.OpensUtc;
        var closes = edit.ClosesUtc ?? challenge.ClosesUtc;
        if (closes <= opens) throw Invalid(MessageText.Of("server.challenge-api.bad-dates", "A challenge closes after it opens."));
        var daily = edit.DailySubmissionLimit ?? challenge.DailySubmissionLimit;
        if (daily is < 1 or > MaxDailySubmissionLimit)
            throw Invalid(MessageText.Of("server.challenge-api.bad-daily-limit", "The daily submission limit is from 1 to {max}.", ("max", MaxDailySubmissionLimit)));
        var size = edit.MaxTeamSize ?? challenge.MaxTeamSize;
        if (size is < 1 or > MaxTeamSizeLimit)
            throw Invalid(MessageText.Of("server.challenge-api.bad-team-size", "The largest team size is from 1 to {max}.", ("max", MaxTeamSizeLimit)));
        (challenge.Name, challenge.Description, challenge.OpensUtc, challenge.ClosesUtc, challenge.DailySubmissionLimit, challenge.MaxTeamSize) =
            (name, description, opens, closes, daily, size);
        await db.SaveChangesAsync(ct);
        return challenge;
    }

    /// <summary>Closes a challenge now (its private leaderboard appears); closing it again keeps the first closing time.</summary>
    public static async Task<Challenge> CloseAsync(FlorascopeDb db, string slug, DateTime nowUtc, CancellationToken ct)
    {
        var challenge = await db.Challenges.FirstOrDefaultAsync(c => c.Slug == slug, ct) ?? throw NotFound(slug);
        if (challenge.PhaseAt(nowUtc) == ChallengePhase.Closed) return challenge;
        challenge.ClosedUtc = nowUtc;
        await db.SaveChangesAsync(ct);
        return challenge;
    }

    private static ChallengeException Invalid(MessageText text) => new(text, ChallengeError.Invalid);
}
