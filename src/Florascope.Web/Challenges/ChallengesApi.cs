using System.Security.Claims;
using System.Text.Json;
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
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Challenges;

/// <summary>An enum in JSON as its camelCase name (ChallengePhase.Open → "open"); names only, no numbers.</summary>
public sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase, allowIntegerValues: false) where TEnum : struct, Enum;

/// <summary>
/// The <c>board</c> query parameter, bound to <see cref="Board"/> by its JSON name ("public", "private"); the
/// framework answers anything else with its 400 (the error body). Numbers are not names.
/// </summary>
public readonly record struct BoardQuery(Board Board)
{
    public static bool TryParse(string? text, out BoardQuery query)
    {
        var board = Enum.GetValues<Board>().Where(b => JsonNamingPolicy.CamelCase.ConvertName(b.ToString()) == text).Select(b => (Board?)b).FirstOrDefault();
        query = new BoardQuery(board ?? default);
        return board is not null;
    }
}

public sealed record ChallengeSummary(string Slug, string Name, string Description, DateTime OpensUtc, DateTime ClosesUtc,
    [property: JsonConverter(typeof(CamelCaseEnumConverter<ChallengePhase>))] ChallengePhase Phase, int Teams,
    int TestObservations, int Classes);

public sealed record ChallengeDetail(string Slug, string Name, string Description, DateTime OpensUtc, DateTime ClosesUtc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? ClosedUtc,
    [property: JsonConverter(typeof(CamelCaseEnumConverter<ChallengePhase>))] ChallengePhase Phase, int DailySubmissionLimit, int MaxTeamSize, int PublicPercent, int TrainPhotos, int TestObservations, int Classes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BaselineNote,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TeamView? MyTeam,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<InvitationView>? MyInvitations);

public sealed record LeaderboardEntry(int Rank, string Team, bool IsBaseline, long RunId, DateTime SubmittedUtc, string Method,
    double Mrr, double MacroMrr, double Top1, double Top5, int Runs);

public sealed record LeaderboardView([property: JsonConverter(typeof(CamelCaseEnumConverter<Board>))] Board Board, IReadOnlyList<LeaderboardEntry> Entries);

public sealed record RunInfo(long Id, DateTime SubmittedUtc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SubmittedBy,
    string Method, string FileName, long Bytes, long Predictions, [property: JsonConverter(typeof(CamelCaseEnumConverter<RunStatus>))] RunStatus Status,
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

    public static async Task<Ok<List<ChallengeSummary>>> List(FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var teams = await ChallengeStore.TeamCountsAsync(db, ct);
        var list = await ChallengeStore.ListAsync(db, ct);
        return TypedResults.Ok(list.Select(c => new ChallengeSummary(c.Slug, c.Name, c.Description, c.OpensUtc, c.ClosesUtc, c.PhaseAt(now),
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
        return TypedResults.Ok(new ChallengeDetail(c.Slug, c.Name, c.Description, c.OpensUtc, c.ClosesUtc, c.ClosedUtc, c.PhaseAt(now),
            c.DailySubmissionLimit, c.MaxTeamSize, c.PublicPercent, c.TrainPhotos, c.TestObservations, c.Classes, c.BaselineNote, team, invitations));
    }

    public static async Task<Results<Ok<LeaderboardView>, JsonHttpResult<ApiError>>> Leaderboard(string slug, BoardQuery? board, FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        var b = board?.Board ?? Board.Public;
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
        return TypedResults.Ok(new LeaderboardView(b, entries));
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
        var names = await ChallengeStore.UserNamesAsync(db, ids, ct);
        return TypedResults.Ok(runs.Select(r => Info(r, r.SubmittedById is { } by ? names.GetValueOrDefault(by) : null, closed)).ToList());
    }

    private static RunInfo Info(ChallengeRun r, string? submittedBy, bool closed) =>
        new(r.Id, r.SubmittedUtc, submittedBy, r.Method, r.FileName, r.Bytes, r.Predictions, r.Status, r.Error,
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
        if (ChallengeStore.Published(c.Id, file) is not { } p || await files.Store.OpenReadAsync(p.Key, ct) is not { } content)
            throw new ChallengeException(MessageText.Of("server.challenge-api.no-file", "This challenge has no file {file}.", ("file", file)), ChallengeError.NotFound);
        return TypedResults.Stream(content.Content, p.ContentType, $"{c.Slug}-{file}", new DateTimeOffset(content.LastModifiedUtc));
    }

    /// <summary>
    /// A run upload: the cheap checks before a byte of the body is read (account, challenge open, team, runs left
    /// today, declared size), then the body streamed to a temporary file, then the check on the background CPU
    /// thread; a valid run is kept (gzip) and queued for the scorer, an invalid one answers its problems.
    /// </summary>
    public static async Task<Results<Accepted<RunInfo>, JsonHttpResult<RunErrorsBody>, JsonHttpResult<ApiError>>> Upload(string slug, HttpContext context,
        FlorascopeDb db, IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions, IOptions<ChallengeOptions> options, ChallengeFileStore files,
        ChallengeTruths truths, BackgroundCpu cpu, RunScorer scorer, RunUploadSlots slots, ServerPaths paths, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var limits = options.Value;
        var (userId, byKey, refused) = await CallerAsync(context, db, ct);
        if (refused is not null) return refused;
        // A session's token must come in the header, checked before a byte of the body is read: as a form field it
        // would come after the file (the 70 MB body read whole first), and without the header the framework would
        // look for it in the form (the body buffered).
        var headerName = antiforgeryOptions.Value.HeaderName ?? "X-CSRF-TOKEN";
        if (!byKey && (string.IsNullOrEmpty(context.Request.Headers[headerName].ToString()) || !await antiforgery.IsRequestValidAsync(context)))
            return ApiErrors.BadRequest(MessageText.Of("server.challenge-api.upload-token",
                "A run sent from a session needs its anti-forgery token in the {header} header (from /api/account/antiforgery), or use ?api-key=.", ("header", headerName)));
        var challenge = await ChallengeStore.FindAsync(db, slug, ct);
        var team = await MaySubmitAsync(context, db, challenge, userId, clock.GetUtcNow().UtcDateTime, ct);
        if (context.Request.ContentLength > limits.MaxRunUploadBytes) throw RunUpload.TooLargeUpload(context);
        switch (slots.TryTake(team.Id, limits.MaxRunUploadsPerTeam, limits.MaxRunUploadsInFlight))
        {
            case UploadSlotRefusal.None:
                break;
            case UploadSlotRefusal.TeamBusy:
                context.Response.Headers.RetryAfter = "30";
                return ApiErrors.Error(StatusCodes.Status429TooManyRequests, MessageText.Of("server.challenge-api.team-uploads-busy",
                    "Your team is already sending {max} runs: wait until one is received, then try again.", ("max", limits.MaxRunUploadsPerTeam)));
            case UploadSlotRefusal.ServerBusy:
                context.Response.Headers.RetryAfter = "30";
                return ApiErrors.Error(StatusCodes.Status503ServiceUnavailable, MessageText.Of("server.challenge-api.uploads-busy",
                    "The server is receiving too many runs just now; nothing was stored. Try again in a minute."));
        }
        RunUpload.AllowBody(context, limits.MaxRunUploadBytes);
        var temp = RunUpload.TempDirectory(paths.DataDirectory);
        ChallengeRun row;
        try
        {
            using var received = await RunUpload.ReceiveAsync(context, temp, ct);
            var method = ChallengeRunStore.CheckMethod(received.Method);
            var truth = await truths.GetAsync(challenge.Id, ct);
            // The body is all here: only now is the CPU thread asked for (a slow client never holds it).
            using var run = await cpu.RunAsync(c => RunUpload.Check(truth, received, limits.MaxRunTextBytes, temp, c), ct);
            if (!run.Check.IsValid) return RunErrors(context, run.Check.Errors);
            var now = clock.GetUtcNow().UtcDateTime;
            row = await WithRetryAfterAsync(context, now, () => ChallengeRunStore.AddAsync(db, files, challenge,
                new NewRun(team.Id, userId, method, received.FileName, run.TextBytes, run.Check.Ranks!.Predictions), run.Gzip!, now, ct));
        }
        catch (RunStorageException e)
        {
            // The server's disk, not the client's run: logged with its reason, answered without it (it names paths).
            logs.CreateLogger(typeof(RunUpload).FullName!).LogError(e.InnerException, "A run upload could not be written to {Directory}.", temp);
            context.Response.Headers.RetryAfter = "60";
            return ApiErrors.Error(StatusCodes.Status503ServiceUnavailable,
                MessageText.Of("server.challenge-api.upload-unavailable", "The server cannot take runs just now; nothing was stored. Try again later."));
        }
        finally
        {
            slots.Release(team.Id);
        }
        scorer.Wake();
        var by = (await ChallengeStore.UserNamesAsync(db, [userId], ct)).GetValueOrDefault(userId);
        return TypedResults.Accepted($"/api/challenges/{Uri.EscapeDataString(challenge.Slug)}/runs", Info(row, by, closed: false));
    }

    /// <summary>The team that may submit now; a team out of runs for today hears when the day ends (Retry-After).</summary>
    private static Task<ChallengeTeam> MaySubmitAsync(HttpContext context, FlorascopeDb db, Challenge challenge, int userId, DateTime now, CancellationToken ct) =>
        WithRetryAfterAsync(context, now, () => ChallengeRunStore.MaySubmitAsync(db, challenge, userId, now, ct));

    private static async Task<T> WithRetryAfterAsync<T>(HttpContext context, DateTime now, Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (ChallengeException e) when (e.Error == ChallengeError.LimitReached)
        {
            context.Response.Headers.RetryAfter = ChallengeRunStore.SecondsToNextDay(now).ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw;
        }
    }

    /// <summary>The 400 of a run with problems: the error body in the request's language, plus the problems.</summary>
    private static JsonHttpResult<RunErrorsBody> RunErrors(HttpContext context, IReadOnlyList<RunFileError> errors)
    {
        var body = ApiErrors.InRequestLanguage(context, ApiErrors.Body(StatusCodes.Status400BadRequest,
            MessageText.Of("server.challenge-api.invalid-run", "The run has errors; nothing was stored and it does not count.")));
        return TypedResults.Json(new RunErrorsBody(body.StatusCode, body.Error, body.Message, errors), statusCode: StatusCodes.Status400BadRequest);
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
