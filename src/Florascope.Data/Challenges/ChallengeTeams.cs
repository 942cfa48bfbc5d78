using Florascope.Challenges;
using Florascope.Messages;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Challenges;

/// <summary>A team as its members see it: members and pending invitations by user name, runs used today.</summary>
public sealed record TeamView(int Id, string Name, IReadOnlyList<string> Members, IReadOnlyList<string> Invitations, int RunsToday, int RunsLeft);

/// <summary>An invitation as the invited account sees it.</summary>
public sealed record InvitationView(int Id, string Team);

/// <summary>
/// The team rules of a challenge: one team per account per challenge (also the members' key), a team holds at
/// most <see cref="Challenge.MaxTeamSize"/> members and pending invitations together, only members invite, only
/// the invited account answers an invitation, nothing changes once the challenge is closed (but an invitation
/// may still be declined), and nobody leaves a team that has runs.
/// </summary>
public static class ChallengeTeams
{
    public const int MaxTeamNameLength = 64;

    /// <summary>The account's team in the challenge, or null.</summary>
    public static async Task<ChallengeTeam?> TeamOfAsync(FlorascopeDb db, int challengeId, int userId, CancellationToken ct)
    {
        var teamId = await db.ChallengeTeamMembers.Where(m => m.ChallengeId == challengeId && m.UserId == userId).Select(m => (int?)m.TeamId).FirstOrDefaultAsync(ct);
        return teamId is { } id ? await db.ChallengeTeams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct) : null;
    }

    /// <summary>The account's team or <see cref="ChallengeError.Forbidden"/>.</summary>
    public static async Task<ChallengeTeam> RequireTeamAsync(FlorascopeDb db, int challengeId, int userId, CancellationToken ct) =>
        await TeamOfAsync(db, challengeId, userId, ct)
        ?? throw new ChallengeException(MessageText.Of("server.challenge-api.not-member", "You are not in a team of this challenge."), ChallengeError.Forbidden);

    public static async Task<TeamView> ViewAsync(FlorascopeDb db, Challenge challenge, ChallengeTeam team, DateTime nowUtc, CancellationToken ct)
    {
        var members = await db.ChallengeTeamMembers.Where(m => m.TeamId == team.Id).Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.UserName, m.JoinedUtc })
            .OrderBy(x => x.JoinedUtc).ThenBy(x => x.UserName).Select(x => x.UserName).ToListAsync(ct);
        var invited = await db.ChallengeInvitations.Where(i => i.TeamId == team.Id).Join(db.Users, i => i.UserId, u => u.Id, (i, u) => u.UserName)
            .OrderBy(n => n).ToListAsync(ct);
        var today = await ChallengeRunStore.RunsTodayAsync(db, team.Id, nowUtc, ct);
        return new TeamView(team.Id, team.Name, members, invited, today, Math.Max(0, challenge.DailySubmissionLimit - today));
    }

    /// <summary>The account's pending invitations in the challenge.</summary>
    public static Task<List<InvitationView>> InvitationsOfAsync(FlorascopeDb db, int challengeId, int userId, CancellationToken ct) =>
        db.ChallengeInvitations.Where(i => i.ChallengeId == challengeId && i.UserId == userId)
            .Join(db.ChallengeTeams, i => i.TeamId, t => t.Id, (i, t) => new { i.Id, t.Name })
            .OrderBy(x => x.Id).Select(x => new InvitationView(x.Id, x.Name)).ToListAsync(ct);

    /// <summary>Creates a team with the account as its first member.</summary>
    public static async Task<ChallengeTeam> CreateAsync(FlorascopeDb db, Challenge challenge, int userId, string name, DateTime nowUtc, CancellationToken ct)
    {
        RequireNotClosed(challenge, nowUtc);
        name = name.Trim();
        // Control and format characters (U+202E turns a name around) have no place in a name others read.
        if (name.Length is 0 or > MaxTeamNameLength || name.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format))
            throw new ChallengeException(MessageText.Of("server.challenge-api.bad-team-name", "A team's name has 1 to {max} characters.", ("max", MaxTeamNameLength)));
        if (await TeamOfAsync(db, challenge.Id, userId, ct) is not null) throw AlreadyInTeam();
        if (await db.ChallengeTeams.AnyAsync(t => t.ChallengeId == challenge.Id && t.Name == name, ct)) throw NameTaken(name);
        var team = new ChallengeTeam { ChallengeId = challenge.Id, Name = name, CreatedById = userId, CreatedUtc = nowUtc };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            db.ChallengeTeams.Add(team);
            await db.SaveChangesAsync(ct);
            db.ChallengeTeamMembers.Add(new ChallengeTeamMember { ChallengeId = challenge.Id, UserId = userId, TeamId = team.Id, JoinedUtc = nowUtc });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A unique key refused a row: the account joined a team, or the name was taken, at the same moment.
            await tx.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            throw await TeamOfAsync(db, challenge.Id, userId, ct) is not null ? AlreadyInTeam() : NameTaken(name);
        }
        // A team of one's own replaces the invitations one had in this challenge.
        await db.ChallengeInvitations.Where(i => i.ChallengeId == challenge.Id && i.UserId == userId).ExecuteDeleteAsync(ct);
        return team;
    }

    /// <summary>Invites an account (by user name) to the inviter's team.</summary>
    public static async Task<string> InviteAsync(FlorascopeDb db, Challenge challenge, int inviterId, string userName, DateTime nowUtc, CancellationToken ct)
    {
        RequireNotClosed(challenge, nowUtc);
        var team = await RequireTeamAsync(db, challenge.Id, inviterId, ct);
        var who = userName.Trim().ToLowerInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == who, ct)
            ?? throw new ChallengeException(MessageText.Of("server.challenge-api.unknown-user", "No account is called {userName}.", ("userName", userName.Trim())), ChallengeError.NotFound);
        if (await TeamOfAsync(db, challenge.Id, user.Id, ct) is not null)
            throw new ChallengeException(MessageText.Of("server.challenge-api.user-in-team", "{userName} is already in a team of this challenge.", ("userName", user.UserName)), ChallengeError.Conflict);
        if (await db.ChallengeInvitations.AnyAsync(i => i.TeamId == team.Id && i.UserId == user.Id, ct))
            throw new ChallengeException(MessageText.Of("server.challenge-api.already-invited", "{userName} is already invited.", ("userName", user.UserName)), ChallengeError.Conflict);
        await RequireRoomAsync(db, challenge, team.Id, countInvitations: true, ct);
        var invitation = new ChallengeInvitation { ChallengeId = challenge.Id, TeamId = team.Id, UserId = user.Id, InvitedById = inviterId, CreatedUtc = nowUtc };
        db.ChallengeInvitations.Add(invitation);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            throw new ChallengeException(MessageText.Of("server.challenge-api.already-invited", "{userName} is already invited.", ("userName", user.UserName)), ChallengeError.Conflict);
        }
        // Two invitations checked at once both saw room: counted again once stored, the one over the size is taken back
        // (both may be, never one too many).
        if (!await HasRoomAsync(db, challenge, team.Id, ct))
        {
            await db.ChallengeInvitations.Where(i => i.Id == invitation.Id).ExecuteDeleteAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            throw TeamFull(challenge);
        }
        return user.UserName;
    }

    /// <summary>Accepts one's own invitation: the account joins the team (another account's invitation is not found).</summary>
    public static async Task<ChallengeTeam> AcceptAsync(FlorascopeDb db, Challenge challenge, int userId, int invitationId, DateTime nowUtc, CancellationToken ct)
    {
        RequireNotClosed(challenge, nowUtc);
        var invitation = await OwnInvitationAsync(db, challenge, userId, invitationId, ct);
        if (await TeamOfAsync(db, challenge.Id, userId, ct) is not null) throw AlreadyInTeam();
        // The invitation is one of the team's places already; it becomes a member.
        await RequireRoomAsync(db, challenge, invitation.TeamId, countInvitations: false, ct);
        db.ChallengeInvitations.Remove(invitation);
        db.ChallengeTeamMembers.Add(new ChallengeTeamMember { ChallengeId = challenge.Id, UserId = userId, TeamId = invitation.TeamId, JoinedUtc = nowUtc });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The (challenge, account) key: the account joined another team at the same moment; or the invitation
            // was answered at the same moment (0 rows deleted).
            db.ChangeTracker.Clear();
            throw await TeamOfAsync(db, challenge.Id, userId, ct) is not null ? AlreadyInTeam() : NoInvitation();
        }
        // Counted again once stored (another member joined at the same moment): over the size, the join is undone
        // and the invitation given back.
        if (await db.ChallengeTeamMembers.CountAsync(m => m.TeamId == invitation.TeamId, ct) > challenge.MaxTeamSize)
        {
            await db.ChallengeTeamMembers.Where(m => m.ChallengeId == challenge.Id && m.UserId == userId).ExecuteDeleteAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            db.ChallengeInvitations.Add(new ChallengeInvitation { ChallengeId = challenge.Id, TeamId = invitation.TeamId, UserId = userId,
                InvitedById = invitation.InvitedById, CreatedUtc = invitation.CreatedUtc });
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (DbUpdateException)
            {
                // The team went meanwhile (its last member left): no invitation to give back.
                db.ChangeTracker.Clear();
            }
            throw TeamFull(challenge);
        }
        await db.ChallengeInvitations.Where(i => i.ChallengeId == challenge.Id && i.UserId == userId).ExecuteDeleteAsync(ct);
        // The last member may have left (and the team gone) at the same moment.
        return await db.ChallengeTeams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == invitation.TeamId, ct) ?? throw TeamGone();
    }

    /// <summary>
    /// Declines one's own invitation (it is deleted). Allowed after the close too: it only removes one's own
    /// invitation, which changes no team and no board. One statement, so two answers at once give one 204 and one 404.
    /// </summary>
    public static async Task DeclineAsync(FlorascopeDb db, Challenge challenge, int userId, int invitationId, CancellationToken ct)
    {
        if (await db.ChallengeInvitations.Where(i => i.Id == invitationId && i.ChallengeId == challenge.Id && i.UserId == userId).ExecuteDeleteAsync(ct) == 0)
            throw NoInvitation();
    }

    /// <summary>
    /// Leaves one's team; refused once the team has a run (leaving would give the account a fresh daily limit and a
    /// second leaderboard entry in another team). A team left empty (so without runs) is deleted.
    /// </summary>
    public static async Task LeaveAsync(FlorascopeDb db, Challenge challenge, int userId, DateTime nowUtc, CancellationToken ct)
    {
        RequireNotClosed(challenge, nowUtc);
        var member = await db.ChallengeTeamMembers.AsNoTracking().FirstOrDefaultAsync(m => m.ChallengeId == challenge.Id && m.UserId == userId, ct)
            ?? throw NotMember();
        var teamId = member.TeamId;
        if (await db.ChallengeRuns.AnyAsync(r => r.TeamId == teamId, ct)) throw TeamHasRuns();
        // One statement: two leaves at once give one 204 and one refusal, never a concurrency error.
        if (await db.ChallengeTeamMembers.Where(m => m.ChallengeId == challenge.Id && m.UserId == userId).ExecuteDeleteAsync(ct) == 0)
            throw NotMember();
        // A run stored while the member was leaving (its upload checks membership after its insert too): the member
        // is put back, so a team with runs keeps its members.
        if (await db.ChallengeRuns.AnyAsync(r => r.TeamId == teamId, CancellationToken.None))
        {
            db.ChallengeTeamMembers.Add(new ChallengeTeamMember { ChallengeId = member.ChallengeId, UserId = member.UserId, TeamId = teamId, JoinedUtc = member.JoinedUtc });
            await db.SaveChangesAsync(CancellationToken.None);
            throw TeamHasRuns();
        }
        // One conditional statement: a member joining or a run stored between a check and the delete keeps the team.
        await db.ChallengeTeams.Where(t => t.Id == teamId && !t.IsBaseline && !db.ChallengeTeamMembers.Any(m => m.TeamId == teamId)
            && !db.ChallengeRuns.Any(r => r.TeamId == teamId)).ExecuteDeleteAsync(ct);
    }

    private static ChallengeException TeamHasRuns() =>
        new(MessageText.Of("server.challenge-api.team-has-runs", "Your team has submitted runs: its members stay in it until the challenge ends."), ChallengeError.Conflict);

    private static ChallengeException TeamGone() =>
        new(MessageText.Of("server.challenge-api.team-gone-accept", "This team no longer exists."), ChallengeError.Conflict);

    private static async Task<ChallengeInvitation> OwnInvitationAsync(FlorascopeDb db, Challenge challenge, int userId, int invitationId, CancellationToken ct) =>
        // Another account's invitation answers as a missing one: nobody learns which invitations exist.
        await db.ChallengeInvitations.FirstOrDefaultAsync(i => i.Id == invitationId && i.ChallengeId == challenge.Id && i.UserId == userId, ct)
        ?? throw NoInvitation();

    private static async Task RequireRoomAsync(FlorascopeDb db, Challenge challenge, int teamId, bool countInvitations, CancellationToken ct)
    {
        var members = await db.ChallengeTeamMembers.CountAsync(m => m.TeamId == teamId, ct);
        var pending = countInvitations ? await db.ChallengeInvitations.CountAsync(i => i.TeamId == teamId, ct) : 0;
        if (members + pending >= challenge.MaxTeamSize) throw TeamFull(challenge);
    }

    /// <summary>Whether the team's members and pending invitations, as stored now, fit its size.</summary>
    private static async Task<bool> HasRoomAsync(FlorascopeDb db, Challenge challenge, int teamId, CancellationToken ct) =>
        await db.ChallengeTeamMembers.CountAsync(m => m.TeamId == teamId, ct) + await db.ChallengeInvitations.CountAsync(i => i.TeamId == teamId, ct)
        <= challenge.MaxTeamSize;

    private static ChallengeException TeamFull(Challenge challenge) =>
        new(MessageText.Of("server.challenge-api.team-full", "The team is full: at most {max} members, pending invitations included.", ("max", challenge.MaxTeamSize)), ChallengeError.Conflict);

    private static ChallengeException NoInvitation() =>
        new(MessageText.Of("server.challenge-api.no-invitation", "You have no such invitation."), ChallengeError.NotFound);

    private static ChallengeException NotMember() =>
        new(MessageText.Of("server.challenge-api.not-member", "You are not in a team of this challenge."), ChallengeError.Forbidden);

    private static void RequireNotClosed(Challenge challenge, DateTime nowUtc)
    {
        if (challenge.PhaseAt(nowUtc) == ChallengePhase.Closed)
            throw new ChallengeException(MessageText.Of("server.challenge-api.closed", "This challenge is closed."), ChallengeError.Conflict);
    }

    private static ChallengeException AlreadyInTeam() =>
        new(MessageText.Of("server.challenge-api.in-team", "You are already in a team of this challenge."), ChallengeError.Conflict);

    private static ChallengeException NameTaken(string name) =>
        new(MessageText.Of("server.challenge-api.team-name-taken", "A team of this challenge is already called {name}.", ("name", name)), ChallengeError.Conflict);
}
