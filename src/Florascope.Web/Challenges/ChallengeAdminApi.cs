using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using Florascope.Data;
using Florascope.Data.Challenges;
using Florascope.Data.Observations;
using Florascope.Identification;
using Florascope.Taxonomy;
using Florascope.Messages;
using Florascope.Web.Accounts;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Challenges;

public sealed record AdminChallengeInfo(int Id, string Slug, string Name,
    [property: JsonConverter(typeof(CamelCaseEnumConverter<Florascope.Challenges.ChallengePhase>))] Florascope.Challenges.ChallengePhase Phase, DateTime OpensUtc, DateTime ClosesUtc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? ClosedUtc,
    int Teams, int Runs, int TestObservations, int Classes);

/// <summary>Challenges for administrators: create, edit dates and limits, close (docs/api.md, "Challenges").</summary>
public static class ChallengeAdminApi
{
    public static RouteGroupBuilder MapChallengeAdminApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/admin/challenges").WithTags("Administration").RequireAuthorization(Accounts.SessionCookie.AdminPolicy).WithDomainErrors();
        g.MapGet("/", List).WithSummary("Every challenge with its teams and runs (admins).");
        g.MapPost("/", Create).DisableAntiforgery()
            .WithSummary("Create a challenge from labelled photo folders under Florascope:Challenges:SourceRoot (form: name, slug, description, opensUtc, closesUtc, dailySubmissionLimit, maxTeamSize, publicPercent, trainDir, testDir; anti-forgery token).");
        g.MapPost("/{slug}", Edit).DisableAntiforgery()
            .WithSummary("Change a challenge's name, description, dates or limits (form fields to change; anti-forgery token).");
        g.MapPost("/{slug}/close", Close).DisableAntiforgery().WithSummary("Close a challenge now: the private leaderboard appears (anti-forgery token).");
        return g;
    }

    public static async Task<Ok<List<AdminChallengeInfo>>> List(FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var teams = await ChallengeStore.TeamCountsAsync(db, ct);
        var runs = await ChallengeStore.RunCountsAsync(db, ct);
        var list = await ChallengeStore.ListAsync(db, ct);
        return TypedResults.Ok(list.Select(c => Info(c, now, teams.GetValueOrDefault(c.Id), runs.GetValueOrDefault(c.Id))).ToList());
    }

    public static async Task<Results<Created<AdminChallengeInfo>, JsonHttpResult<ApiError>>> Create(HttpContext context, IAntiforgery antiforgery, ClaimsPrincipal user,
        FlorascopeDb db, ChallengeFileStore files, IOptions<ChallengeOptions> options, PhotoStore photos, IdentificationEngine engine, TimeProvider clock, CancellationToken ct)
    {
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is not { } form) return Forms.Forbidden();
        var root = options.Value.SourceRoot;
        var spec = new ChallengeSpec
        {
            Name = form["name"].ToString(),
            Slug = form["slug"].ToString() is { Length: > 0 } s ? s : null,
            Description = form["description"].ToString(),
            OpensUtc = Date(form, "opensUtc") ?? throw Missing("opensUtc"),
            ClosesUtc = Date(form, "closesUtc") ?? throw Missing("closesUtc"),
            DailySubmissionLimit = Int(form, "dailySubmissionLimit") ?? Florascope.Challenges.ChallengeRules.DefaultDailySubmissions,
            MaxTeamSize = Int(form, "maxTeamSize") ?? Florascope.Challenges.ChallengeRules.DefaultMaxTeamSize,
            PublicPercent = Int(form, "publicPercent") ?? Florascope.Challenges.ChallengeRules.DefaultPublicPercent,
        };
        ObservatoryData? observatory = null;
        switch (Text(form, "source") ?? "folders")
        {
            case "folders":
                spec = spec with { TrainDir = Under(root, form["trainDir"].ToString(), "trainDir"), TestDir = Under(root, form["testDir"].ToString(), "testDir"), SourceRoot = root };
                break;
            case "observations":
                spec = spec with { Observations = new ObservationSource
                {
                    Project = Text(form, "project") is { Length: > 0 } code
                        ? ProjectCode.TryParse(code, out var project) ? project : throw new ChallengeException(MessageText.Of("server.challenge-api.bad-project", "{project} is not a flora code.", ("project", code)))
                        : null,
                    SinceUtc = Date(form, "since"),
                    UntilUtc = Date(form, "until"),
                    TestPercent = Int(form, "testPercent") ?? Florascope.Challenges.ObservationSplit.DefaultTestPercent,
                } };
                observatory = new ObservatoryData(photos, engine.Bundle.Checklist, PublicUrls.BaseUrl(context.Request));
                break;
            default:
                throw new ChallengeException(MessageText.Of("server.challenge-api.bad-source", "source is 'folders' or 'observations'."));
        }
        var c = await ChallengeBuilder.CreateAsync(db, files, spec, AccountsApi.UserId(user), clock, null, ct, observatory);
        return TypedResults.Created($"/api/challenges/{Uri.EscapeDataString(c.Slug)}", Info(c, clock.GetUtcNow().UtcDateTime, 0, 0));
    }

    public static async Task<Results<Ok<AdminChallengeInfo>, JsonHttpResult<ApiError>>> Edit(string slug, HttpContext context, IAntiforgery antiforgery,
        FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is not { } form) return Forms.Forbidden();
        var edit = new ChallengeEdit(Text(form, "name"), Text(form, "description"), Date(form, "opensUtc"), Date(form, "closesUtc"),
            Int(form, "dailySubmissionLimit"), Int(form, "maxTeamSize"));
        var c = await ChallengeStore.EditAsync(db, slug, edit, clock.GetUtcNow().UtcDateTime, ct);
        return TypedResults.Ok(await InfoAsync(db, c, clock, ct));
    }

    public static async Task<Results<Ok<AdminChallengeInfo>, JsonHttpResult<ApiError>>> Close(string slug, HttpContext context, IAntiforgery antiforgery,
        FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        if (await Forms.ReadCheckedFormAsync(context, antiforgery) is null) return Forms.Forbidden();
        var c = await ChallengeBuilder.CloseAsync(db, slug, clock, ct);
        return TypedResults.Ok(await InfoAsync(db, c, clock, ct));
    }

    private static async Task<AdminChallengeInfo> InfoAsync(FlorascopeDb db, Challenge c, TimeProvider clock, CancellationToken ct) =>
        Info(c, clock.GetUtcNow().UtcDateTime, (await ChallengeStore.TeamCountsAsync(db, ct)).GetValueOrDefault(c.Id),
            (await ChallengeStore.RunCountsAsync(db, ct)).GetValueOrDefault(c.Id));

    private static AdminChallengeInfo Info(Challenge c, DateTime now, int teams, int runs) =>
        new(c.Id, c.Slug, c.Name, c.PhaseAt(now), c.OpensUtc, c.ClosesUtc, c.ClosedUtc, teams, runs, c.TestObservations, c.Classes);

    private static string? Text(IFormCollection form, string name) => form.ContainsKey(name) ? form[name].ToString() : null;

    private static DateTime? Date(IFormCollection form, string name)
    {
        if (Text(form, name) is not { Length: > 0 } text) return null;
        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
            ? DateTime.SpecifyKind(d, DateTimeKind.Utc)
            : throw new ChallengeException(MessageText.Of("server.challenge-api.bad-date", "{field} is not a date (e.g. 2026-06-01T00:00:00Z).", ("field", name)));
    }

    private static int? Int(IFormCollection form, string name)
    {
        if (Text(form, name) is not { Length: > 0 } text) return null;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ChallengeException(MessageText.Of("server.challenge-api.bad-number", "{field} is not a whole number.", ("field", name)));
    }

    private static ChallengeException Missing(string name) =>
        new(MessageText.Of("server.challenge-api.missing-field", "{field} is required.", ("field", name)));

    /// <summary>
    /// A folder given relative to the source root, refused (400) when there is no root, the path is not a valid one,
    /// it lies outside the root, a symbolic link is on the way from the root to it (it could lead anywhere), or it is
    /// not a folder the server can read.
    /// </summary>
    private static string Under(string root, string relative, string field)
    {
        if (string.IsNullOrWhiteSpace(root))
            throw new ChallengeException(MessageText.Of("server.challenge-api.no-source-root", "Creating challenges here needs Florascope:Challenges:SourceRoot; use the command line instead."));
        if (string.IsNullOrWhiteSpace(relative)) throw Missing(field);
        string rootFull, full;
        try
        {
            if (relative.Any(c => c == '\0' || char.IsControl(c)) || relative.IndexOfAny(Path.GetInvalidPathChars()) >= 0) throw new ArgumentException("invalid path");
            rootFull = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
            full = Path.GetFullPath(Path.Combine(rootFull, relative)).TrimEnd(Path.DirectorySeparatorChar);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ChallengeException(MessageText.Of("server.challenge-api.bad-folder", "{field} is not a valid folder name.", ("field", field)));
        }
        if (!full.StartsWith(rootFull + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ChallengeException(MessageText.Of("server.challenge-api.outside-root", "{field} must be a folder under the source root.", ("field", field)));
        try
        {
            // Each component below the root, in turn: a link anywhere on the way is refused, not followed.
            var path = rootFull;
            foreach (var part in full[(rootFull.Length + 1)..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
            {
                path = Path.Combine(path, part);
                var dir = new DirectoryInfo(path);
                if (!dir.Exists) throw Unreadable(field);
                if (dir.LinkTarget is not null)
                    throw new ChallengeException(MessageText.Of("server.challenge-api.linked-folder", "{field} passes through a symbolic link; give the real folder.", ("field", field)));
            }
            // Readable: listing it is what the builder does first.
            using var entries = Directory.EnumerateFileSystemEntries(full).GetEnumerator();
            entries.MoveNext();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            throw Unreadable(field);
        }
        return full;
    }

    private static ChallengeException Unreadable(string field) =>
        new(MessageText.Of("server.challenge-api.unreadable-folder", "{field} is not a folder the server can read.", ("field", field)));
}
