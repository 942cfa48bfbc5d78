using Florascope.Challenges;
using Florascope.Messages;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Challenges;

/// <summary>What an administrator may change of a challenge; a null field stays as it is.</summary>
public sealed record ChallengeEdit(string? Name = null, string? Description = null, DateTime? OpensUtc = null, DateTime? ClosesUtc = null,
    int? DailySubmissionLimit = null, int? MaxTeamSize = null);

/// <summary>Finding challenges, and the administrator's changes to one (dates, limits; closing is <see cref="ChallengeBuilder.CloseAsync"/>).</summary>
public static class ChallengeStore
{
    /// <summary>
    /// The object-store key and content type of a file anyone signed in may download (train.zip, test.zip,
    /// classes.csv); null for any other name: the truth and the test photos' sources never leave the store.
    /// </summary>
    public static (string Key, string ContentType)? Published(int challengeId, string file) => file switch
    {
        "train.zip" => (ChallengeFiles.Train(challengeId), "application/zip"),
        "test.zip" => (ChallengeFiles.Test(challengeId), "application/zip"),
        "classes.csv" => (ChallengeFiles.Classes(challengeId), "text/csv; charset=utf-8"),
        _ => null,
    };

    /// <summary>The user names of accounts by id (those that still exist).</summary>
    public static async Task<Dictionary<int, string>> UserNamesAsync(FlorascopeDb db, IReadOnlyCollection<int> ids, CancellationToken ct) =>
        ids.Count == 0 ? [] : await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.UserName, ct);

    /// <summary>The challenge of a slug, or <see cref="ChallengeError.NotFound"/> (also while its files are being stored).</summary>
    public static async Task<Challenge> FindAsync(FlorascopeDb db, string slug, CancellationToken ct) =>
        await db.Challenges.AsNoTracking().FirstOrDefaultAsync(c => c.Slug == slug && c.ClosedUtc != Challenge.BeingCreated, ct) ?? throw NotFound(slug);

    private static ChallengeException NotFound(string slug) =>
        new(MessageText.Of("server.challenge.not-found", "No challenge '{slug}'.", ("slug", slug)), ChallengeError.NotFound);

    /// <summary>Every challenge (not those whose files are being stored), the newest opening first.</summary>
    public static Task<List<Challenge>> ListAsync(FlorascopeDb db, CancellationToken ct) =>
        db.Challenges.AsNoTracking().Where(c => c.ClosedUtc != Challenge.BeingCreated).OrderByDescending(c => c.OpensUtc).ThenByDescending(c => c.Id).ToListAsync(ct);

    /// <summary>Teams (the baseline's excluded) per challenge.</summary>
    public static async Task<Dictionary<int, int>> TeamCountsAsync(FlorascopeDb db, CancellationToken ct) =>
        await db.ChallengeTeams.Where(t => !t.IsBaseline).GroupBy(t => t.ChallengeId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);

    /// <summary>Stored runs per challenge.</summary>
    public static async Task<Dictionary<int, int>> RunCountsAsync(FlorascopeDb db, CancellationToken ct) =>
        await db.ChallengeRuns.GroupBy(r => r.ChallengeId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.Key, x => x.Count, ct);

    /// <summary>Applies an administrator's changes after checking them all (nothing is changed when one is wrong).</summary>
    /// <remarks>
    /// Refused once the challenge is closed: new dates would reopen it after its private board was shown.
    /// </remarks>
    public static async Task<Challenge> EditAsync(FlorascopeDb db, string slug, ChallengeEdit edit, DateTime nowUtc, CancellationToken ct)
    {
        var challenge = await db.Challenges.FirstOrDefaultAsync(c => c.Slug == slug, ct) ?? throw NotFound(slug);
        if (challenge.PhaseAt(nowUtc) == ChallengePhase.Closed)
            throw new ChallengeException(MessageText.Of("server.challenge.closed-no-edit", "This challenge is closed: it can no longer be changed."), ChallengeError.Conflict);
        // The limits and messages of a new challenge (ChallengeBuilder): an edit can make nothing a creation could not.
        var name = edit.Name?.Trim() ?? challenge.Name;
        if (name.Length is 0 or > ChallengeBuilder.MaxNameLength)
            throw Invalid(MessageText.Of("server.challenge.bad-name", "The name must have 1 to {max} characters.", ("max", ChallengeBuilder.MaxNameLength)));
        var description = edit.Description?.Trim() ?? challenge.Description;
        if (description.Length > ChallengeBuilder.MaxDescriptionLength)
            throw Invalid(MessageText.Of("server.challenge.bad-description", "The description must have at most {max} characters.", ("max", ChallengeBuilder.MaxDescriptionLength)));
        var opens = edit.OpensUtc ?? challenge.OpensUtc;
        var closes = edit.ClosesUtc ?? challenge.ClosesUtc;
        if (closes <= opens) throw Invalid(MessageText.Of("server.challenge.bad-dates", "The challenge must close after it opens."));
        var daily = edit.DailySubmissionLimit ?? challenge.DailySubmissionLimit;
        if (daily is < 1 or > ChallengeBuilder.MaxDailySubmissions)
            throw Invalid(MessageText.Of("server.challenge.bad-daily-limit", "The daily submission limit must be between 1 and {max}.", ("max", ChallengeBuilder.MaxDailySubmissions)));
        var size = edit.MaxTeamSize ?? challenge.MaxTeamSize;
        if (size is < 1 or > ChallengeBuilder.MaxTeamSizeLimit)
            throw Invalid(MessageText.Of("server.challenge.bad-team-size", "The team size must be between 1 and {max}.", ("max", ChallengeBuilder.MaxTeamSizeLimit)));
        (challenge.Name, challenge.Description, challenge.OpensUtc, challenge.ClosesUtc, challenge.DailySubmissionLimit, challenge.MaxTeamSize) =
            (name, description, opens, closes, daily, size);
        await db.SaveChangesAsync(ct);
        return challenge;
    }

    private static ChallengeException Invalid(MessageText text) => new(text, ChallengeError.Invalid);
}
