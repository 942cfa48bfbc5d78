using Florascope.Challenges;
using Florascope.Data.Storage;
using Florascope.Messages;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Challenges;

/// <summary>A valid run to keep: who sent it, how it is described, and its file (gzip) to store.</summary>
public sealed record NewRun(int TeamId, int? SubmittedById, string Method, string FileName, long Bytes, long Predictions, string? ModelVersion = null);

/// <summary>A scored run with its team, as a leaderboard line shows it.</summary>
public sealed record BoardRun(ScoredRun Run, string Team, bool IsBaseline, string Method);

/// <summary>
/// The runs of challenges: the daily limit per team (UTC days), keeping a valid run, the scorer's claims (one
/// node scores a run: a conditional UPDATE decides), its scores, and the scored runs a leaderboard ranks.
/// </summary>
public static class ChallengeRunStore
{
    public const int MaxMethodLength = 1000;

    /// <summary>A claim older than this is taken over (its node died or stalled while scoring).</summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(10);

    public static DateTime DayStart(DateTime nowUtc) => nowUtc.Date;

    /// <summary>Seconds until the next UTC midnight, when a team's runs of the day start again (at least 1).</summary>
    public static int SecondsToNextDay(DateTime nowUtc) => Math.Max(1, (int)Math.Ceiling((DayStart(nowUtc).AddDays(1) - nowUtc).TotalSeconds));

    /// <summary>The team's stored runs since 00:00 UTC.</summary>
    public static Task<int> RunsTodayAsync(FlorascopeDb db, int teamId, DateTime nowUtc, CancellationToken ct)
    {
        var since = DayStart(nowUtc);
        return db.ChallengeRuns.CountAsync(r => r.TeamId == teamId && r.SubmittedUtc >= since, ct);
    }

    /// <summary>The method description, trimmed, or <see cref="ChallengeError.Invalid"/>.</summary>
    public static string CheckMethod(string? method)
    {
        var m = method?.Trim() ?? "";
        if (m.Length is 0 or > MaxMethodLength)
            throw new ChallengeException(MessageText.Of("server.challenge-api.bad-method", "Describe the run's method in 1 to {max} characters.", ("max", MaxMethodLength)));
        return m;
    }

    /// <summary>
    /// Whether the account may submit a run now (before anything of it is read): the challenge is open, the
    /// account is in a team, and the team has runs left today. Returns the team.
    /// </summary>
    public static async Task<ChallengeTeam> MaySubmitAsync(FlorascopeDb db, Challenge challenge, int userId, DateTime nowUtc, CancellationToken ct)
    {
        RequireOpen(challenge, nowUtc);
        var team = await ChallengeTeams.RequireTeamAsync(db, challenge.Id, userId, ct);
        await RequireRunLeftAsync(db, challenge, team.Id, nowUtc, ct);
        return team;
    }

    /// <summary>
    /// Keeps a valid run: the row (held while its file is written, so no scorer takes it before), then the file,
    /// then the row is queued. The rules are checked again (the day may have been used up meanwhile); a file that
    /// cannot be written leaves no row.
    /// </summary>
    public static async Task<ChallengeRun> AddAsync(FlorascopeDb db, ChallengeFileStore files, Challenge challenge, NewRun run, Stream gzip,
        DateTime nowUtc, CancellationToken ct)
    {
        // Read again from the database, not the challenge loaded before the body was streamed: a slow upload may span
        // the administrator closing the challenge or lowering its daily limit.
        challenge = await CurrentAsync(db, challenge, ct);
        RequireOpen(challenge, nowUtc);
        await RequireRunLeftAsync(db, challenge, run.TeamId, nowUtc, ct);
        var row = new ChallengeRun
        {
            ChallengeId = challenge.Id, TeamId = run.TeamId, SubmittedById = run.SubmittedById, SubmittedUtc = nowUtc, Method = CheckMethod(run.Method),
            FileName = FileNameOf(run.FileName), Bytes = run.Bytes, Predictions = run.Predictions, ModelVersion = run.ModelVersion,
            Status = RunStatus.Scoring, ClaimedUtc = nowUtc, ClaimedBy = "upload",
        };
        db.ChallengeRuns.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The team was deleted under the upload (its last member left): a foreign key refused the row.
            db.Entry(row).State = EntityState.Detached;
            throw TeamGone();
        }
        // Stored, then checked again (as the daily limit below): a close or a member leaving the team that committed
        // while the row was inserted is seen now, and the row taken back.
        try
        {
            RequireOpen(await CurrentAsync(db, challenge, ct), nowUtc);
            if (run.SubmittedById is { } by && !await db.ChallengeTeamMembers.AnyAsync(m => m.TeamId == run.TeamId && m.UserId == by, ct))
                throw TeamGone();
        }
        catch
        {
            await db.ChallengeRuns.Where(r => r.Id == row.Id).ExecuteDeleteAsync(CancellationToken.None);
            db.Entry(row).State = EntityState.Detached;
            throw;
        }
        // Two uploads checked at once both saw a run left: counted again once stored (committed), a row over the limit
        // is taken back. The last of the kept rows to be stored counts them all, so never more than the limit are kept
        // (both may be refused); the same on SQLite and PostgreSQL, without locks.
        if (await RunsTodayAsync(db, run.TeamId, nowUtc, ct) > challenge.DailySubmissionLimit)
        {
            await db.ChallengeRuns.Where(r => r.Id == row.Id).ExecuteDeleteAsync(CancellationToken.None);
            db.Entry(row).State = EntityState.Detached;
            throw DailyLimit(challenge);
        }
        try
        {
            await files.Store.PutAsync(ChallengeFiles.Run(challenge.Id, row.Id), gzip, "application/gzip", ct);
        }
        catch (Exception e)
        {
            await db.ChallengeRuns.Where(r => r.Id == row.Id).ExecuteDeleteAsync(CancellationToken.None);
            db.Entry(row).State = EntityState.Detached;
            // A full or failing disk of the file store is the server's fault, not the client's: a 503, nothing stored.
            if (e is IOException or UnauthorizedAccessException) throw new ObjectStoreUnavailableException("a run could not be written", e);
            throw;
        }
        await db.ChallengeRuns.Where(r => r.Id == row.Id)
            // Not the request's token: a client gone now must not leave its stored run held (unscored for the claim timeout).
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Queued).SetProperty(r => r.ClaimedUtc, (DateTime?)null).SetProperty(r => r.ClaimedBy, (string?)null),
                CancellationToken.None);
        row.Status = RunStatus.Queued;
        row.ClaimedUtc = null;
        row.ClaimedBy = null;
        return row;
    }

    /// <summary>The runs a scorer may claim now (queued, or claimed too long ago), oldest first.</summary>
    public static Task<List<long>> ClaimableAsync(FlorascopeDb db, DateTime nowUtc, int take, CancellationToken ct)
    {
        var stale = nowUtc - ClaimTimeout;
        return db.ChallengeRuns.Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Scoring && r.ClaimedUtc < stale)
            .OrderBy(r => r.SubmittedUtc).ThenBy(r => r.Id).Select(r => r.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>
    /// Claims a run for <paramref name="node"/> with one conditional UPDATE: true only for the node whose update
    /// changed the row, whatever the number of nodes trying at once.
    /// </summary>
    public static async Task<bool> ClaimAsync(FlorascopeDb db, long runId, string node, DateTime nowUtc, CancellationToken ct)
    {
        var stale = nowUtc - ClaimTimeout;
        var changed = await db.ChallengeRuns
            .Where(r => r.Id == runId && (r.Status == RunStatus.Queued || r.Status == RunStatus.Scoring && r.ClaimedUtc < stale))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Scoring).SetProperty(r => r.ClaimedUtc, nowUtc).SetProperty(r => r.ClaimedBy, node), ct);
        return changed == 1;
    }

    /// <summary>Records the scores of a run the node holds (nothing when another node took it over meanwhile).</summary>
    public static Task<int> RecordScoresAsync(FlorascopeDb db, long runId, string node, ScoreSet? publicScores, ScoreSet? privateScores, DateTime nowUtc, CancellationToken ct)
    {
        var (pm, pmm, p1, p5) = (publicScores?.Mrr, publicScores?.MacroMrr, publicScores?.Top1, publicScores?.Top5);
        var (qm, qmm, q1, q5) = (privateScores?.Mrr, privateScores?.MacroMrr, privateScores?.Top1, privateScores?.Top5);
        return db.ChallengeRuns.Where(r => r.Id == runId && r.Status == RunStatus.Scoring && r.ClaimedBy == node)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Scored).SetProperty(r => r.ScoredUtc, nowUtc).SetProperty(r => r.Error, (string?)null)
                .SetProperty(r => r.PublicMrr, pm).SetProperty(r => r.PublicMacroMrr, pmm).SetProperty(r => r.PublicTop1, p1).SetProperty(r => r.PublicTop5, p5)
                .SetProperty(r => r.PrivateMrr, qm).SetProperty(r => r.PrivateMacroMrr, qmm).SetProperty(r => r.PrivateTop1, q1).SetProperty(r => r.PrivateTop5, q5), ct);
    }

    /// <summary>Gives a claimed run back to the queue (its node could not score it now).</summary>
    public static Task<int> ReleaseAsync(FlorascopeDb db, long runId, string node, CancellationToken ct) =>
        db.ChallengeRuns.Where(r => r.Id == runId && r.Status == RunStatus.Scoring && r.ClaimedBy == node)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Queued).SetProperty(r => r.ClaimedUtc, (DateTime?)null).SetProperty(r => r.ClaimedBy, (string?)null), ct);

    /// <summary>Records why a run the node holds could not be scored.</summary>
    public static Task<int> RecordFailureAsync(FlorascopeDb db, long runId, string node, string reason, DateTime nowUtc, CancellationToken ct)
    {
        var error = reason.Length > 1000 ? reason[..1000] : reason;
        return db.ChallengeRuns.Where(r => r.Id == runId && r.Status == RunStatus.Scoring && r.ClaimedBy == node)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Failed).SetProperty(r => r.ScoredUtc, nowUtc).SetProperty(r => r.Error, error), ct);
    }

    /// <summary>The team's runs, newest first.</summary>
    public static Task<List<ChallengeRun>> TeamRunsAsync(FlorascopeDb db, int teamId, CancellationToken ct) =>
        db.ChallengeRuns.AsNoTracking().Where(r => r.TeamId == teamId).OrderByDescending(r => r.SubmittedUtc).ThenByDescending(r => r.Id).ToListAsync(ct);

    /// <summary>The scored runs of a challenge with their teams, for <see cref="ChallengeLeaderboard.Rank"/>.</summary>
    public static async Task<List<BoardRun>> ScoredRunsAsync(FlorascopeDb db, int challengeId, CancellationToken ct)
    {
        var rows = await db.ChallengeRuns.AsNoTracking().Where(r => r.ChallengeId == challengeId && r.Status == RunStatus.Scored && r.PublicMacroMrr != null)
            .Join(db.ChallengeTeams, r => r.TeamId, t => t.Id, (r, t) => new { Run = r, t.Name, t.IsBaseline }).ToListAsync(ct);
        return [.. rows.Select(x => new BoardRun(ToScored(x.Run)!, x.Name, x.IsBaseline, x.Run.Method))];
    }

    /// <summary>A scored row as the leaderboard sees it; null when it has no public scores.</summary>
    public static ScoredRun? ToScored(ChallengeRun r) =>
        PublicOf(r) is { } p ? new ScoredRun(r.Id, r.TeamId, r.SubmittedUtc, p, PrivateOf(r)) : null;

    public static ScoreSet? PublicOf(ChallengeRun r) =>
        r is { PublicMrr: { } a, PublicMacroMrr: { } b, PublicTop1: { } c, PublicTop5: { } d } ? new ScoreSet(a, b, c, d) : null;

    public static ScoreSet? PrivateOf(ChallengeRun r) =>
        r is { PrivateMrr: { } a, PrivateMacroMrr: { } b, PrivateTop1: { } c, PrivateTop5: { } d } ? new ScoreSet(a, b, c, d) : null;

    /// <summary>The file name as kept: its last path segment, at most 200 characters, without control characters.</summary>
    public static string FileNameOf(string? name)
    {
        var n = Path.GetFileName((name ?? "").Replace('\\', '/')).Trim();
        n = new string([.. n.Where(c => !char.IsControl(c))]);
        if (n.Length == 0) n = "run.txt";
        return n.Length > 200 ? n[..200] : n;
    }

    /// <summary>The challenge as stored now (its close and limits may have changed since it was loaded).</summary>
    private static async Task<Challenge> CurrentAsync(FlorascopeDb db, Challenge challenge, CancellationToken ct) =>
        await db.Challenges.AsNoTracking().FirstOrDefaultAsync(c => c.Id == challenge.Id, ct)
        ?? throw new ChallengeException(MessageText.Of("server.challenge-api.closed", "This challenge is closed."), ChallengeError.Conflict);

    private static ChallengeException TeamGone() =>
        new(MessageText.Of("server.challenge-api.team-gone", "You are no longer in this team; the run was not stored."), ChallengeError.Conflict);

    private static void RequireOpen(Challenge challenge, DateTime nowUtc)
    {
        var phase = challenge.PhaseAt(nowUtc);
        if (phase == ChallengePhase.Closed)
            throw new ChallengeException(MessageText.Of("server.challenge-api.closed", "This challenge is closed."), ChallengeError.Conflict);
        if (phase == ChallengePhase.Upcoming)
            throw new ChallengeException(MessageText.Of("server.challenge-api.not-open", "This challenge is not open yet."), ChallengeError.Conflict);
    }

    private static async Task RequireRunLeftAsync(FlorascopeDb db, Challenge challenge, int teamId, DateTime nowUtc, CancellationToken ct)
    {
        if (await RunsTodayAsync(db, teamId, nowUtc, ct) >= challenge.DailySubmissionLimit) throw DailyLimit(challenge);
    }

    private static ChallengeException DailyLimit(Challenge challenge) =>
        new(MessageText.Of("server.challenge-api.daily-limit", "Your team has used its {max} runs of today (UTC); try again after midnight UTC.",
            ("max", challenge.DailySubmissionLimit)), ChallengeError.LimitReached);
}
