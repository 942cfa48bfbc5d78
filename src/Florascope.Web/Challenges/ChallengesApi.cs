using System.Security.Claims;
using System.Text.Json.Serialization;
using Florascope.Challenges;
using Florascope.Data;
using Florascope.Data.Challenges;
using Florascope.Identification;
using Florascope.Messages;
using Florascope.Web.Accounts;
using Florascope.Web.Hosting;
using Florascope.Web.Quota;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Challenges;

public sealed record ChallengeSummary(string Slug, string Name, string Description, DateTime OpensUtc, DateTime ClosesUtc, string Phase, int Teams,
    int TestObservations, int Classes);

public sealed record ChallengeDetail(string Slug, string Name, string Description, DateTime OpensUtc, DateTime ClosesUtc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? ClosedUtc,
    string Phase, int DailySubmissionLimit, int MaxTeamSize, int PublicPercent, int TrainPhotos, int TestObservations, int Classes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BaselineNote,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TeamView? MyTeam,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<InvitationView>? MyInvitations);

public sealed record LeaderboardEntry(int Rank, string Team, bool IsBaseline, long RunId, DateTime SubmittedUtc, string Method,
    double Mrr, double MacroMrr, double Top1, double Top5, int Runs);

public sealed record LeaderboardView(string Board, IReadOnlyList<LeaderboardEntry> Entries);

public sealed record RunInfo(long Id, DateTime SubmittedUtc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SubmittedBy,
    string Method, string FileName, long Bytes, long Predictions, string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ScoreSet? Public,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ScoreSet? Private);

public sealed record InvitedUser(string UserName);

/// <summary>The error body of a refused run: the documented one plus the run's problems (at most 20).</summary>
public sealed record RunErrorsBody(int StatusCode, string Error, string Message, IReadOnlyList<RunFileError> Errors);

/// <summary>Challenges for participants: listing, teams, downloads, runs, leaderboards (docs/api.md, "Challenges").</summary>
public static class ChallengesApi
{
    public static RouteGroupBuilder MapChallengesApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/challenges").WithTags("Challenges").WithDomainErrors();
        g.MapGet("/", List).WithSummary("Every challenge with its phase.");
        g.MapGet("/{slug}", Get).WithSummary("A challenge; with your team and invitations when signed in.");
        g.MapGet("/{slug}/leaderboard", Leaderboard).WithSummary("The public leaderboard (board=public), or the private one once the challenge is closed (board=private).");
        g.MapGet("/{slug}/runs", Runs).WithSummary("Your team's runs, newest first (session or ?api-key= of your account).");
        g.MapPost("/{slug}/teams", CreateTeam).RequireAuthorization().DisableAntiforgery().WithSummary("Create a team (form: name; anti-forgery token).");
        g.MapPost("/{slug}/team/invitations", Invite).RequireAuthorization().DisableAntiforgery().WithSummary("Invite an account to your team (form: userName; anti-forgery token).");
        g.MapPost("/{slug}/invitations/{id:int}/accept", Accept).RequireAuthorization().DisableAntiforgery().WithSummary("Accept your invitation (anti-forgery token).");
        g.MapPost("/{slug}/invitations/{id:int}/decline", Decline).RequireAuthorization().DisableAntiforgery().WithSummary("Decline your invitation (anti-forgery token).");
        g.MapPost("/{slug}/team/leave", Leave).RequireAuthorization().DisableAntiforgery().WithSummary("Leave your team (anti-forgery token).");
        g.MapGet("/{slug}/files/{file}", Download).RequireAuthorization().WithSummary("The training data (train.zip), the test photos (test.zip) or the classes (classes.csv).");
        g.MapPost("/{slug}/runs", Upload).DisableAntiforgery().RequireClientLimits()
            .WithSummary("Submit a run (multipart: run, method; session with anti-forgery token, or ?api-key=): checked at once, scored in the background.");
        return g;
    }

    private static string PhaseName(ChallengePhase phase) => phase.ToString().ToLowerInvariant();

    public static async Task<Ok<List<ChallengeSummary>>> List(FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var teams = await ChallengeStore.TeamCountsAsync(db, ct);
        var list = await ChallengeStore.ListAsync(db, ct);
        return TypedResults.Ok(list.Select(c => new ChallengeSummary(c.Slug, c.Name, c.Description, c.OpensUtc, c.ClosesUtc, PhaseName(c.PhaseAt(now)),
            teams.GetValueOrDefault(c.Id), c.TestObservations, c.Classes)).ToList());
    }

    public static async Task<Ok<ChallengeDetail>> Get(string slug, ClaimsPrincipal user, FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var c = await ChallengeStore.FindAsync(db, slug, ct);
        TeamView? team = null;
        List<InvitationView>? invitations = null;
        if (AccountsApi.CurrentUserId(user) is { } userId)
        {
            if (await ChallengeTeams.TeamOfAsync(db, c.Id, userId, ct) is { } t) team = await ChallengeTeams.ViewAsync(db, c, t, now, ct);
            invitations = await ChallengeTeams.InvitationsOfAsync(db, c.Id, userId, ct);
        }
        return TypedResults.Ok(new ChallengeDetail(c.Slug, c.Name, c.Description, c.OpensUtc, c.ClosesUtc, c.ClosedUtc, PhaseName(c.PhaseAt(now)),
            c.DailySubmissionLimit, c.MaxTeamSize, c.PublicPercent, c.TrainPhotos, c.TestObservations, c.Classes, c.BaselineNote, team, invitations));
    }

    public static async Task<Results<Ok<LeaderboardView>, JsonHttpResult<ApiError>>> Leaderboard(string slug, string? board, FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        var which = board switch
        {
            null or "" or "public" => Board.Public,
            "private" => Board.Private,
            _ => (Board?)null,
        };
        if (which is not { } b) return ApiErrors.BadRequest(MessageText.Of("server.challenge-api.bad-board", "board is public or private."));
        var c = await ChallengeStore.FindAsync(db, slug, ct);
        if (b == Board.Private && c.PhaseAt(clock.GetUtcNow().UtcDateTime) != ChallengePhase.Closed)
            throw new ChallengeException(MessageText.Of("server.challenge-api.private-hidden", "The private leaderboard is shown once the challenge is closed."), ChallengeError.Forbidden);
        var runs = await ChallengeRunStore.ScoredRunsAsync(db, c.Id, ct);
        var byId = runs.ToDictionary(r => r.Run.RunId);
        var entries = ChallengeLeaderboard.Rank(runs.Select(r => r.Run), b).Select(s =>
        {
            var run = byId[s.Run.RunId];
            return new LeaderboardEntry(s.Rank, run.Team, run.IsBaseline, s.Run.RunId, s.Run.SubmittedUtc, run.Method, s.Scores.Mrr, s.Scores.MacroMrr, s.Scores.Top1, s.Scores.Top5, s.Runs);
        }).ToList();
        return TypedResults.Ok(new LeaderboardView(b == Board.Public ? "public" : "private", entries));
    }

    public static async Task<Results<Ok<List<RunInfo>>, JsonHttpResult<ApiError>>> Runs(string slug, HttpContext context, FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        var (userId, _, refused) = await CallerAsync(context, db, ct);
        if (refused is not null) return refused;
        var c = await ChallengeStore.FindAsync(db, slug, ct);
        var team = await ChallengeTeams.RequireTeamAsync(db, c.Id, userId, ct);
        var closed = c.PhaseAt(clock.GetUtcNow().UtcDateTime) == ChallengePhase.Closed;
        var runs = await ChallengeRunStore.TeamRunsAsync(db, team.Id, ct);
        var ids = runs.Where(r => r.SubmittedById is not null).Select(r => r.SubmittedById!.Value).Distinct().ToList();
        var names = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToDictionaryAsync(
            db.Users.Where(u => ids.Contains(u.Id)), u => u.Id, u => u.UserName, ct);
        return TypedResults.Ok(runs.Select(r => Info(r, r.SubmittedById is { } by ? names.GetValueOrDefault(by) : null, closed)).ToList());
    }

    private static RunInfo Info(ChallengeRun r, string? submittedBy, bool closed) =>
        new(r.Id, r.SubmittedUtc, submittedBy, r.Method, r.FileName, r.Bytes, r.Predictions, r.Status.ToString().ToLowerInvariant(), r.Error,
            ChallengeRunStore.PublicOf(r), closed ? ChallengeRunStore.PrivateOf(r) : null);

    public static async Task<Results<Created<TeamView>, JsonHttpResult<ApiError>>> CreateTeam(string slug, HttpContext context, IAntiforgery antiforgery,
        ClaimsPrincipal user, FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        if (await CheckedFormAsync(context, antiforgery) is not { } form) return Forms.Forbidden();
        var now = clock.GetUtcNow().UtcDateTime;
        var c = await ChallengeStore.FindAsync(db, slug, ct);
        var team = await ChallengeTeams.CreateAsync(db, c, AccountsApi.UserId(user), form["name"].ToString(), now, ct);
        return TypedResults.Created($"/api/challenges/{Uri.EscapeDataString(c.Slug)}", await ChallengeTeams.ViewAsync(db, c, team, now, ct));
    }

    public static async Task<Results<Created<InvitedUser>, JsonHttpResult<ApiError>>> Invite(string slug, HttpContext context, IAntiforgery antiforgery,
        ClaimsPrincipal user, FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        if (await CheckedFormAsync(context, antiforgery) is not { } form) return Forms.Forbidden();
        var c = await ChallengeStore.FindAsync(db, slug, ct);
        var invited = await ChallengeTeams.InviteAsync(db, c, AccountsApi.UserId(user), form["userName"].ToString(), clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Created($"/api/challenges/{Uri.EscapeDataString(c.Slug)}", new InvitedUser(invited));
    }

    public static async Task<Results<Ok<TeamView>, JsonHttpResult<ApiError>>> Accept(string slug, int id, HttpContext context, IAntiforgery antiforgery,
        ClaimsPrincipal user, FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        if (await CheckedFormAsync(context, antiforgery) is null) return Forms.Forbidden();
        var now = clock.GetUtcNow().UtcDateTime;
        var c = await ChallengeStore.FindAsync(db, slug, ct);
        var team = await ChallengeTeams.AcceptAsync(db, c, AccountsApi.UserId(user), id, now, ct);
        return TypedResults.Ok(await ChallengeTeams.ViewAsync(db, c, team, now, ct));
    }

    public static async Task<Results<NoContent, JsonHttpResult<ApiError>>> Decline(string slug, int id, HttpContext context, IAntiforgery antiforgery,
        ClaimsPrincipal user, FlorascopeDb db, CancellationToken ct)
    {
        if (await CheckedFormAsync(context, antiforgery) is null) return Forms.Forbidden();
        var c = await ChallengeStore.FindAsync(db, slug, ct);
        await ChallengeTeams.DeclineAsync(db, c, AccountsApi.UserId(user), id, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, JsonHttpResult<ApiError>>> Leave(string slug, HttpContext context, IAntiforgery antiforgery,
        ClaimsPrincipal user, FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        if (await CheckedFormAsync(context, antiforgery) is null) return Forms.Forbidden();
        var c = await ChallengeStore.FindAsync(db, slug, ct);
        await ChallengeTeams.LeaveAsync(db, c, AccountsApi.UserId(user), clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<FileStreamHttpResult, JsonHttpResult<ApiError>>> Download(string slug, string file, FlorascopeDb db, ChallengeFileStore files, CancellationToken ct)
    {
        var c = await ChallengeStore.FindAsync(db, slug, ct);
        // Only the published files: the truth and the test photos' sources never leave the store.
        (string Key, string Type)? published = file switch
        {
            "train.zip" => (ChallengeFiles.Train(c.Id), "application/zip"),
            "test.zip" => (ChallengeFiles.Test(c.Id), "application/zip"),
            "classes.csv" => (ChallengeFiles.Classes(c.Id), "text/csv; charset=utf-8"),
            _ => null,
        };
        if (published is not { } p || await files.Store.OpenReadAsync(p.Key, ct) is not { } content)
            throw new ChallengeException(MessageText.Of("server.challenge-api.no-file", "This challenge has no file {file}.", ("file", file)), ChallengeError.NotFound);
        return TypedResults.Stream(content.Content, p.Type, $"{c.Slug}-{file}", new DateTimeOffset(content.LastModifiedUtc));
    }

    /// <summary>
    /// A run upload: the cheap checks before a byte of the body is read (account, challenge open, team, runs left
    /// today, declared size), then the body streamed to a temporary file, then the check on the background CPU
    /// thread; a valid run is kept (gzip) and queued for the scorer, an invalid one answers its problems.
    /// </summary>
    public static async Task<Results<Accepted<RunInfo>, JsonHttpResult<RunErrorsBody>, JsonHttpResult<ApiError>>> Upload(string slug, HttpContext context,
        FlorascopeDb db, IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions, IOptions<ChallengeOptions> options, ChallengeFileStore files,
        ChallengeTruths truths, BackgroundCpu cpu, RunScorer scorer, ServerPaths paths, TimeProvider clock, CancellationToken ct)
    {
        var limits = options.Value;
        var (userId, byKey, refused) = await CallerAsync(context, db, ct);
        if (refused is not null) return refused;
        var headerName = antiforgeryOptions.Value.HeaderName ?? "X-CSRF-TOKEN";
        // A session's token in the header is checked now; one sent as a form field once the body is here.
        // (An empty header would make the framework look for the token in the form: the 70 MB body, buffered.)
        var tokenInHeader = !byKey && !string.IsNullOrEmpty(context.Request.Headers[headerName].ToString());
        if (tokenInHeader && !await antiforgery.IsRequestValidAsync(context)) return Forms.Forbidden();
        var challenge = await ChallengeStore.FindAsync(db, slug, ct);
        ChallengeTeam team;
        try
        {
            team = await ChallengeRunStore.MaySubmitAsync(db, challenge, userId, clock.GetUtcNow().UtcDateTime, ct);
        }
        catch (ChallengeException e) when (e.Error == ChallengeError.LimitReached)
        {
            context.Response.Headers.RetryAfter = ChallengeRunStore.SecondsToNextDay(clock.GetUtcNow().UtcDateTime).ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw;
        }
        if (context.Request.ContentLength > limits.MaxRunUploadBytes) throw RunUpload.TooLargeUpload(context);
        RunUpload.AllowBody(context, limits.MaxRunUploadBytes);
        var temp = Path.Combine(paths.DataDirectory, "tmp", "runs");
        using var received = await RunUpload.ReceiveAsync(context, temp, antiforgeryOptions.Value.FormFieldName, ct);
        if (!byKey && !tokenInHeader)
        {
            if (received.AntiforgeryToken is not { Length: > 0 } token) return Forms.Forbidden();
            // The framework checks the field's token as it checks a header's (the body is read already).
            context.Request.Headers[headerName] = token;
            if (!await antiforgery.IsRequestValidAsync(context)) return Forms.Forbidden();
        }
        var method = ChallengeRunStore.CheckMethod(received.Method);
        var truth = await truths.GetAsync(challenge.Id, ct);
        // The body is all here: only now is the CPU thread asked for (a slow client never holds it).
        using var run = await cpu.RunAsync(c => RunUpload.Check(truth, received, limits.MaxRunTextBytes, temp, c), ct);
        if (!run.Check.IsValid)
        {
            var body = ApiErrors.InRequestLanguage(context, ApiErrors.Body(StatusCodes.Status400BadRequest,
                MessageText.Of("server.challenge-api.invalid-run", "The run has errors; nothing was stored and it does not count.")));
            return TypedResults.Json(new RunErrorsBody(body.StatusCode, body.Error, body.Message, run.Check.Errors), statusCode: StatusCodes.Status400BadRequest);
        }
        var row = await ChallengeRunStore.AddAsync(db, files, challenge,
            new NewRun(team.Id, userId, method, received.FileName, run.TextBytes, run.Check.Ranks!.Predictions), run.Gzip!, clock.GetUtcNow().UtcDateTime, ct);
        scorer.Wake();
        var by = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(db.Users.Where(u => u.Id == userId).Select(u => u.UserName), ct);
        return TypedResults.Accepted($"/api/challenges/{Uri.EscapeDataString(challenge.Slug)}/runs", Info(row, by, closed: false));
    }

    /// <summary>The account calling: the owner of the <c>?api-key=</c> given, else the signed-in account; or the 401/403 to answer.</summary>
    private static async Task<(int UserId, bool ByKey, JsonHttpResult<ApiError>? Refused)> CallerAsync(HttpContext context, FlorascopeDb db, CancellationToken ct)
    {
        if (context.Request.Query.ContainsKey(ApiKeyAccess.QueryName))
        {
            var (key, error) = await ApiKeyAccess.ResolveAsync(context.Request, db, ct);
            if (error is not null) return (0, true, error);
            if (key!.UserId is not { } owner)
                return (0, true, ApiErrors.Error(StatusCodes.Status403Forbidden,
                    MessageText.Of("server.challenge-api.key-without-account", "This api-key belongs to no account: create one in your account page.")));
            return (owner, true, null);
        }
        if (AccountsApi.CurrentUserId(context.User) is { } id) return (id, false, null);
        return (0, false, ApiErrors.Error(StatusCodes.Status401Unauthorized,
            MessageText.Of("server.challenge-api.sign-in", "Sign in, or add ?api-key= with a key of your account.")));
    }

    /// <summary>A checked form; a POST without a form body may carry its token in the header instead. Null when the token is missing or wrong.</summary>
    private static async Task<IFormCollection?> CheckedFormAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (context.Request.HasFormContentType) return await Forms.ReadCheckedFormAsync(context, antiforgery);
        return await antiforgery.IsRequestValidAsync(context) ? FormCollection.Empty : null;
    }
}
