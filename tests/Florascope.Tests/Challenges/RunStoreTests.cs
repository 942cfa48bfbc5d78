using System.Text;
using Florascope.Data;
using Florascope.Data.Accounts;
using Florascope.Data.Challenges;
using Florascope.Data.Storage;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Challenges;

/// <summary>The team and run rules of the data layer, on SQLite and on PostgreSQL.</summary>
public sealed class RunStoreTests
{
    private static readonly DateTime Now = new(2026, 5, 20, 23, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A migrated database of the provider (a database of its own on PostgreSQL) and a challenge store.</summary>
    private sealed class Store : IAsyncDisposable
    {
        private readonly TempDirectory _dir = new();
        private PostgresDatabase? _database;

        public DatabaseSettings Settings { get; private set; } = null!;
        public ChallengeFileStore Files { get; private set; } = null!;

        public static async Task<Store> CreateAsync(string provider)
        {
            var store = new Store();
            if (provider == "postgres")
            {
                store._database = await PostgresDatabase.CreateAsync(Postgres.Require(), Ct);
                store.Settings = new DatabaseSettings { DataDirectory = store._dir.Path, Provider = DatabaseProvider.Postgres, ConnectionString = store._database.ConnectionString };
            }
            else
            {
                store.Settings = new DatabaseSettings { DataDirectory = store._dir.Path };
            }
            store.Settings.Migrate();
            store.Files = new ChallengeFileStore(new FileObjectStore(Path.Combine(store._dir.Path, "challenges")));
            return store;
        }

        public FlorascopeDb Db() => Settings.CreateContext();

        public async ValueTask DisposeAsync()
        {
            if (_database is not null) await _database.DisposeAsync();
            _dir.Dispose();
        }
    }

    private static async Task<int> UserAsync(FlorascopeDb db, string name)
    {
        var user = new User { UserName = name, Email = name + "@example.org", PasswordHash = "x", CreatedUtc = Now };
        db.Users.Add(user);
        await db.SaveChangesAsync(Ct);
        return user.Id;
    }

    private static async Task<T> RefusedAsync<T>(ChallengeError error, Func<Task<T>> work)
    {
        var e = await Assert.ThrowsAsync<ChallengeException>(work);
        Assert.Equal(error, e.Error);
        return default!;
    }

    private static Task RefusedAsync(ChallengeError error, Func<Task> work) => RefusedAsync(error, async () => { await work(); return 0; });

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TheTeamRulesHold(string provider)
    {
        await using var store = await Store.CreateAsync(provider);
        await using var db = store.Db();
        var challenge = await ChallengeTestData.CreateAsync(db, store.Files, Now, "teams", maxTeamSize: 2);
        var (ann, ben, cat) = (await UserAsync(db, "ann"), await UserAsync(db, "ben"), await UserAsync(db, "cat"));

        var team = await ChallengeTeams.CreateAsync(db, challenge, ann, "  Alpha ", Now, Ct);
        Assert.Equal("Alpha", team.Name);
        await RefusedAsync(ChallengeError.Conflict, () => ChallengeTeams.CreateAsync(db, challenge, ann, "Second", Now, Ct));
        await RefusedAsync(ChallengeError.Conflict, () => ChallengeTeams.CreateAsync(db, challenge, ben, "Alpha", Now, Ct));
        await RefusedAsync(ChallengeError.Invalid, () => ChallengeTeams.CreateAsync(db, challenge, ben, new string('x', 65), Now, Ct));
        // The key itself: a second membership of the account in the challenge is refused by the database.
        var other = new ChallengeTeam { ChallengeId = challenge.Id, Name = "Other", CreatedUtc = Now };
        db.ChallengeTeams.Add(other);
        await db.SaveChangesAsync(Ct);
        await using (var raw = store.Db())
        {
            raw.ChallengeTeamMembers.Add(new ChallengeTeamMember { ChallengeId = challenge.Id, UserId = ann, TeamId = other.Id, JoinedUtc = Now });
            await Assert.ThrowsAsync<DbUpdateException>(() => raw.SaveChangesAsync(Ct));
        }

        await RefusedAsync(ChallengeError.Forbidden, () => ChallengeTeams.InviteAsync(db, challenge, ben, "cat", Now, Ct));
        await RefusedAsync(ChallengeError.NotFound, () => ChallengeTeams.InviteAsync(db, challenge, ann, "nobody", Now, Ct));
        Assert.Equal("ben", await ChallengeTeams.InviteAsync(db, challenge, ann, " BEN ", Now, Ct));
        // Ann and Ben's pending invitation fill a team of two.
        await RefusedAsync(ChallengeError.Conflict, () => ChallengeTeams.InviteAsync(db, challenge, ann, "cat", Now, Ct));
        var invitation = Assert.Single(await ChallengeTeams.InvitationsOfAsync(db, challenge.Id, ben, Ct));
        await RefusedAsync(ChallengeError.NotFound, () => ChallengeTeams.AcceptAsync(db, challenge, cat, invitation.Id, Now, Ct));
        await RefusedAsync(ChallengeError.NotFound, () => ChallengeTeams.DeclineAsync(db, challenge, cat, invitation.Id, Ct));
        var joined = await ChallengeTeams.AcceptAsync(db, challenge, ben, invitation.Id, Now, Ct);
        Assert.Equal(team.Id, joined.Id);
        var view = await ChallengeTeams.ViewAsync(db, challenge, joined, Now, Ct);
        Assert.Equal(["ann", "ben"], view.Members);
        Assert.Empty(view.Invitations);
        // An answered invitation is gone.
        await RefusedAsync(ChallengeError.NotFound, () => ChallengeTeams.AcceptAsync(db, challenge, ben, invitation.Id, Now, Ct));

        // Leaving: Ben goes, the team stays with Ann; Ann goes, the team without runs is deleted.
        await ChallengeTeams.LeaveAsync(db, challenge, ben, Now, Ct);
        await ChallengeTeams.LeaveAsync(db, challenge, ann, Now, Ct);
        Assert.False(await db.ChallengeTeams.AnyAsync(t => t.Id == team.Id, Ct));
        await RefusedAsync(ChallengeError.Forbidden, () => ChallengeTeams.LeaveAsync(db, challenge, ann, Now, Ct));
        Assert.True(await db.ChallengeTeams.AnyAsync(t => t.ChallengeId == challenge.Id && t.IsBaseline, Ct));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TheDailyLimitCountsATeamsRunsSinceMidnightUtcAndClosedChallengesTakeNone(string provider)
    {
        await using var store = await Store.CreateAsync(provider);
        await using var db = store.Db();
        var challenge = await ChallengeTestData.CreateAsync(db, store.Files, Now, "daily", dailyLimit: 2);
        var ann = await UserAsync(db, "ann");
        var team = await ChallengeTeams.CreateAsync(db, challenge, ann, "Alpha", Now, Ct);
        Task<ChallengeRun> AddAsync(DateTime at) =>
            ChallengeRunStore.AddAsync(db, store.Files, challenge, new NewRun(team.Id, ann, "m", "run.txt", 10, 4), new MemoryStream(Encoding.UTF8.GetBytes("gz")), at, Ct);
        await AddAsync(Now);
        await AddAsync(Now.AddMinutes(30));
        await RefusedAsync(ChallengeError.LimitReached, () => ChallengeRunStore.MaySubmitAsync(db, challenge, ann, Now.AddMinutes(59), Ct));
        await RefusedAsync(ChallengeError.LimitReached, () => AddAsync(Now.AddMinutes(59)));
        Assert.Equal(3600, ChallengeRunStore.SecondsToNextDay(Now));
        // After midnight UTC the team has its runs again.
        var tomorrow = Now.AddHours(1).AddSeconds(1);
        Assert.Equal(team.Id, (await ChallengeRunStore.MaySubmitAsync(db, challenge, ann, tomorrow, Ct)).Id);
        var run = await AddAsync(tomorrow);
        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.NotNull(await store.Files.Store.InfoAsync(ChallengeFiles.Run(challenge.Id, run.Id), Ct));
        Assert.Equal(3, await db.ChallengeRuns.CountAsync(Ct));

        var ben = await UserAsync(db, "ben");
        await RefusedAsync(ChallengeError.Forbidden, () => ChallengeRunStore.MaySubmitAsync(db, challenge, ben, tomorrow, Ct));
        await RefusedAsync(ChallengeError.Conflict, () => ChallengeRunStore.MaySubmitAsync(db, challenge, ann, challenge.ClosesUtc, Ct));
        await RefusedAsync(ChallengeError.Invalid, () => Task.FromResult(ChallengeRunStore.CheckMethod(" ")));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task OneNodeClaimsARunAcrossTwoContextsAndAStaleClaimIsTakenOver(string provider)
    {
        await using var store = await Store.CreateAsync(provider);
        long runId;
        await using (var db = store.Db())
        {
            var challenge = await ChallengeTestData.CreateAsync(db, store.Files, Now, "claims");
            var ann = await UserAsync(db, "ann");
            var team = await ChallengeTeams.CreateAsync(db, challenge, ann, "Alpha", Now, Ct);
            runId = (await ChallengeRunStore.AddAsync(db, store.Files, challenge, new NewRun(team.Id, ann, "m", "run.txt", 10, 4),
                new MemoryStream([1, 2]), Now, Ct)).Id;
            Assert.Equal([runId], await ChallengeRunStore.ClaimableAsync(db, Now, 10, Ct));
        }
        await using var a = store.Db();
        await using var b = store.Db();
        var claims = await Task.WhenAll(ChallengeRunStore.ClaimAsync(a, runId, "node-a", Now, Ct), ChallengeRunStore.ClaimAsync(b, runId, "node-b", Now, Ct));
        Assert.Single(claims, c => c);
        var winner = claims[0] ? "node-a" : "node-b";
        var loser = claims[0] ? "node-b" : "node-a";
        Assert.Empty(await ChallengeRunStore.ClaimableAsync(a, Now.AddMinutes(5), 10, Ct));
        Assert.False(await ChallengeRunStore.ClaimAsync(b, runId, loser, Now.AddMinutes(5), Ct));
        // The loser's scores are not recorded over the winner's claim.
        Assert.Equal(0, await ChallengeRunStore.RecordScoresAsync(b, runId, loser, new(1, 1, 1, 1), null, Now, Ct));

        // The winner stalls: after the claim timeout another node takes the run over, and the stalled node's late scores are dropped.
        var later = Now + ChallengeRunStore.ClaimTimeout + TimeSpan.FromMinutes(1);
        Assert.Equal([runId], await ChallengeRunStore.ClaimableAsync(b, later, 10, Ct));
        Assert.True(await ChallengeRunStore.ClaimAsync(b, runId, loser, later, Ct));
        Assert.Equal(0, await ChallengeRunStore.RecordScoresAsync(a, runId, winner, new(1, 1, 1, 1), null, later, Ct));
        Assert.Equal(1, await ChallengeRunStore.RecordScoresAsync(b, runId, loser, new(0.5, 0.25, 0, 1), new(0.125, 0.125, 0, 0.5), later, Ct));
        var run = await b.ChallengeRuns.AsNoTracking().SingleAsync(r => r.Id == runId, Ct);
        Assert.Equal(RunStatus.Scored, run.Status);
        Assert.Equal(loser, run.ClaimedBy);
        Assert.Equal(new Florascope.Challenges.ScoreSet(0.5, 0.25, 0, 1), ChallengeRunStore.PublicOf(run));
        Assert.Equal(new Florascope.Challenges.ScoreSet(0.125, 0.125, 0, 0.5), ChallengeRunStore.PrivateOf(run));
        Assert.Empty(await ChallengeRunStore.ClaimableAsync(b, later.AddHours(1), 10, Ct));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task NobodyLeavesATeamWithRunsAndConcurrentAnswersGiveOneSuccess(string provider)
    {
        await using var store = await Store.CreateAsync(provider);
        await using var db = store.Db();
        var challenge = await ChallengeTestData.CreateAsync(db, store.Files, Now, "leave");
        var (ann, ben, cat) = (await UserAsync(db, "ann"), await UserAsync(db, "ben"), await UserAsync(db, "cat"));
        await RefusedAsync(ChallengeError.Invalid, () => ChallengeTeams.CreateAsync(db, challenge, ann, "Alpha\u202Eahpla", Now, Ct));
        var team = await ChallengeTeams.CreateAsync(db, challenge, ann, "Alpha", Now, Ct);
        await ChallengeTeams.InviteAsync(db, challenge, ann, "ben", Now, Ct);
        await ChallengeTeams.AcceptAsync(db, challenge, ben, (await ChallengeTeams.InvitationsOfAsync(db, challenge.Id, ben, Ct)).Single().Id, Now, Ct);
        await ChallengeRunStore.AddAsync(db, store.Files, challenge, new NewRun(team.Id, ann, "m", "run.txt", 10, 4), new MemoryStream([1, 2]), Now, Ct);
        // A team with runs keeps its members: leaving would give a fresh daily limit and a second leaderboard entry.
        await RefusedAsync(ChallengeError.Conflict, () => ChallengeTeams.LeaveAsync(db, challenge, ben, Now, Ct));
        Assert.Equal(2, await db.ChallengeTeamMembers.CountAsync(m => m.TeamId == team.Id, Ct));

        // Two declines of one invitation at once (two contexts): one succeeds, the other finds nothing; never a concurrency error.
        await ChallengeTeams.InviteAsync(db, challenge, ann, "cat", Now, Ct);
        var invitation = (await ChallengeTeams.InvitationsOfAsync(db, challenge.Id, cat, Ct)).Single().Id;
        await using var a = store.Db();
        await using var b = store.Db();
        var answers = await Task.WhenAll(Outcome(ChallengeTeams.DeclineAsync(a, challenge, cat, invitation, Ct)), Outcome(ChallengeTeams.DeclineAsync(b, challenge, cat, invitation, Ct)));
        Assert.Equal<ChallengeError?>([ChallengeError.NotFound, null], answers.OrderBy(x => x is null));
        // Declining stays possible once closed (it changes no team); leaving does not.
        await ChallengeTeams.InviteAsync(db, challenge, ann, "cat", Now, Ct);
        var again = (await ChallengeTeams.InvitationsOfAsync(db, challenge.Id, cat, Ct)).Single().Id;
        await ChallengeTeams.DeclineAsync(db, challenge, cat, again, Ct);
        await RefusedAsync(ChallengeError.Conflict, () => ChallengeTeams.LeaveAsync(db, challenge, ann, challenge.ClosesUtc, Ct));
    }

    private static async Task<ChallengeError?> Outcome(Task work)
    {
        try
        {
            await work;
            return null;
        }
        catch (ChallengeException e)
        {
            return e.Error;
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ConcurrentUploadsAndInvitationsNeverGoPastTheLimits(string provider)
    {
        await using var store = await Store.CreateAsync(provider);
        Challenge challenge;
        int teamId, ann;
        var others = new List<string>();
        await using (var db = store.Db())
        {
            challenge = await ChallengeTestData.CreateAsync(db, store.Files, Now, "races", dailyLimit: 3, maxTeamSize: 3);
            ann = await UserAsync(db, "ann");
            teamId = (await ChallengeTeams.CreateAsync(db, challenge, ann, "Alpha", Now, Ct)).Id;
            for (var i = 0; i < 8; i++)
            {
                await UserAsync(db, $"u{i}");
                others.Add($"u{i}");
            }
            await ChallengeRunStore.AddAsync(db, store.Files, challenge, new NewRun(teamId, ann, "m", "run.txt", 10, 4), new MemoryStream([1]), Now, Ct);
        }
        // Eight uploads at once, each in its own context, all past the first check: at most the limit are kept.
        var uploads = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            await using var db = store.Db();
            return await Outcome(ChallengeRunStore.AddAsync(db, store.Files, challenge, new NewRun(teamId, ann, "m", "run.txt", 10, 4), new MemoryStream([1, (byte)i]), Now, Ct));
        }));
        Assert.All(uploads, u => Assert.True(u is null or ChallengeError.LimitReached));
        // Eight invitations at once into a team of three (one member): never more than two pending.
        var invites = await Task.WhenAll(others.Select(async name =>
        {
            await using var db = store.Db();
            return await Outcome(ChallengeTeams.InviteAsync(db, challenge, ann, name, Now, Ct));
        }));
        Assert.All(invites, u => Assert.True(u is null or ChallengeError.Conflict));
        await using (var db = store.Db())
        {
            var runs = await db.ChallengeRuns.CountAsync(r => r.TeamId == teamId, Ct);
            Assert.InRange(runs, 1, challenge.DailySubmissionLimit);
            Assert.Equal(runs - 1, uploads.Count(u => u is null));
            Assert.Equal(runs, await db.ChallengeRuns.CountAsync(r => r.TeamId == teamId && r.Status == RunStatus.Queued, Ct));
            var places = await db.ChallengeTeamMembers.CountAsync(m => m.TeamId == teamId, Ct) + await db.ChallengeInvitations.CountAsync(i => i.TeamId == teamId, Ct);
            Assert.InRange(places, 1, challenge.MaxTeamSize);
            Assert.Equal(places - 1, invites.Count(u => u is null));
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AClosedChallengeCannotBeEdited(string provider)
    {
        await using var store = await Store.CreateAsync(provider);
        await using var db = store.Db();
        var challenge = await ChallengeTestData.CreateAsync(db, store.Files, Now, "edit");
        var edited = await ChallengeStore.EditAsync(db, "edit", new ChallengeEdit(Name: "Renamed"), Now, Ct);
        Assert.Equal("Renamed", edited.Name);
        // Once closed, new dates would reopen it after its private board was shown.
        await RefusedAsync(ChallengeError.Conflict, () => ChallengeStore.EditAsync(db, "edit", new ChallengeEdit(ClosesUtc: challenge.ClosesUtc.AddDays(30)), challenge.ClosesUtc, Ct));
        Assert.Equal(challenge.ClosesUtc, (await ChallengeStore.FindAsync(db, "edit", Ct)).ClosesUtc);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ARunIsCheckedAgainstTheChallengeAndTheTeamAsStoredAndAFailingStoreKeepsNothing(string provider)
    {
        await using var store = await Store.CreateAsync(provider);
        await using var db = store.Db();
        var loaded = await ChallengeTestData.CreateAsync(db, store.Files, Now, "late");
        var (ann, ben) = (await UserAsync(db, "ann"), await UserAsync(db, "ben"));
        var team = await ChallengeTeams.CreateAsync(db, loaded, ann, "Alpha", Now, Ct);
        Task<ChallengeRun> AddAsync(ChallengeFileStore files, int by, int teamId) =>
            ChallengeRunStore.AddAsync(db, files, loaded, new NewRun(teamId, by, "m", "run.txt", 10, 4), new MemoryStream(Encoding.UTF8.GetBytes("gz")), Now, Ct);

        // The file store's disk fails (its root is a file): the server's fault, 503, no row.
        var blocked = Path.Combine(store.Settings.DataDirectory, "blocked");
        await File.WriteAllTextAsync(blocked, "x", Ct);
        await Assert.ThrowsAsync<ObjectStoreUnavailableException>(() => AddAsync(new ChallengeFileStore(new FileObjectStore(blocked)), ann, team.Id));
        Assert.Equal(0, await db.ChallengeRuns.CountAsync(Ct));

        // The administrator closed the challenge while the upload was read: the challenge as loaded before says open.
        await using (var admin = store.Db())
            await admin.Challenges.Where(c => c.Id == loaded.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.ClosedUtc, (DateTime?)Now.AddMinutes(-1)), Ct);
        await RefusedAsync(ChallengeError.Conflict, () => AddAsync(store.Files, ann, team.Id));
        await using (var admin = store.Db())
            await admin.Challenges.Where(c => c.Id == loaded.Id).ExecuteUpdateAsync(u => u.SetProperty(c => c.ClosedUtc, (DateTime?)null), Ct);

        // The submitter left the team during the upload: the row is taken back.
        await using (var other = store.Db())
            await other.ChallengeTeamMembers.Where(m => m.UserId == ann).ExecuteDeleteAsync(Ct);
        await RefusedAsync(ChallengeError.Conflict, () => AddAsync(store.Files, ann, team.Id));
        // The team itself is gone (a foreign key refuses the row): a conflict, not a server error.
        var beta = await ChallengeTeams.CreateAsync(db, loaded, ben, "Beta", Now, Ct);
        await using (var other = store.Db())
        {
            await other.ChallengeTeamMembers.Where(m => m.TeamId == beta.Id).ExecuteDeleteAsync(Ct);
            await other.ChallengeTeams.Where(t => t.Id == beta.Id).ExecuteDeleteAsync(Ct);
        }
        await RefusedAsync(ChallengeError.Conflict, () => AddAsync(store.Files, ben, beta.Id));
        Assert.Equal(0, await db.ChallengeRuns.CountAsync(Ct));
    }
}
