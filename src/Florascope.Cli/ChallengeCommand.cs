using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Florascope.Bundles;
using Florascope.Challenges;
using Florascope.Data.Challenges;
using Florascope.Data.Observations;
using Florascope.Data.OpenData;
using Florascope.Data.Storage;
using Florascope.Learning;
using Florascope.Taxonomy;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Cli;

/// <summary>
/// <c>florascope challenge score</c>: a run file scored against a truth file as LifeCLEF scores them (MRR,
/// macro-averaged MRR, top-1, top-5). A malformed run is one line naming its line and exit 2.
/// </summary>
public static class ChallengeCommand
{
    public static Command Create()
    {
        var truth = new Option<string>("--truth") { Description = "Truth file: ObservationId;ClassId per line.", Required = true };
        var run = new Option<string>("--run") { Description = "Run file: ObservationId;ClassId;Probability;Rank per line (at most 30 per observation).", Required = true };
        var classes = new Option<string?>("--classes") { Description = "The class ids the challenge publishes, one per line (default: the truth's)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var score = new Command("score", "Score a run file against the truth: MRR, macro MRR, top-1, top-5.") { truth, run, classes, json };
        score.SetAction((ParseResult parse) => CliRunner.Run(() =>
        {
            var truthPath = parse.GetValue(truth)!;
            var runPath = parse.GetValue(run)!;
            var known = parse.GetValue(classes) is { } c ? File.ReadLines(c).Where(l => l.Trim().Length > 0) : null;
            ChallengeTruth t;
            using (var stream = File.OpenRead(truthPath)) t = ChallengeTruth.Read(stream, truthPath, known);
            ChallengeScores s;
            using (var stream = File.OpenRead(runPath)) s = ChallengeScorer.Score(t, stream, runPath);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    mrr = s.Mrr, macroMrr = s.MacroMrr, top1 = s.Top1, top5 = s.Top5,
                    observations = s.Observations, classes = s.Classes, predicted = s.Predicted, predictions = s.Predictions,
                }));
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"MRR {s.Mrr:F4}  macro MRR {s.MacroMrr:F4}  top-1 {s.Top1:P2}  top-5 {s.Top5:P2}  ({s.Observations} test observations of {s.Classes} classes, {s.Predicted} predicted, {s.Predictions} predictions)"));
            }
            return ExitCodes.Ok;
        }));
        var store = new DatabaseOptions();
        var command = new Command("challenge", "Evaluation challenges: create, list, close, score run files (LifeCLEF).") { score, CreateCommand(store), ListCommand(store), CloseCommand(store) };
        store.AddTo(command);
        return command;
    }

    private static Command CreateCommand(DatabaseOptions store)
    {
        var name = new Option<string>("--name") { Description = "The challenge's name (1-200 characters).", Required = true };
        var train = new Option<string?>("--train") { Description = "Training photos: DIR/<Scientific_name>/<photo> (optional DIR/licences.csv: file;licence;rightsHolder;source)." };
        var test = new Option<string?>("--test") { Description = "Test photos: DIR/<Scientific_name>/<photo>; published re-encoded under random ids." };
        var fromObservations = new Option<bool>("--from-observations") { Description = "Make it of the observatory's valid observations under an open licence instead of folders." };
        var project = new Option<string?>("--project") { Description = "With --from-observations: only the observations of this flora (project code)." };
        var testPercent = new Option<int>("--test-percent") { Description = "With --from-observations: the newest share of the observations that is the test set (%).", DefaultValueFactory = _ => ObservationSplit.DefaultTestPercent };
        var since = new Option<string?>("--since") { Description = "With --from-observations: only observations made on or after this date (ISO 8601, UTC)." };
        var until = new Option<string?>("--until") { Description = "With --from-observations: only observations made before this date (ISO 8601, UTC)." };
        var baseUrl = new Option<string?>("--base-url") { Description = "With --from-observations: public base URL of the observation pages in the licences and the Darwin Core Archive (default: $Florascope__PublicBaseUrl)." };
        var model = new Option<string?>("--model") { Description = "With --from-observations: model bundle whose checklist gives the Darwin Core names (default: models/demo)." };
        var slug = new Option<string?>("--slug") { Description = "Its name in URLs (default: from the name)." };
        var description = new Option<string?>("--description") { Description = "A description shown on the challenge's page." };
        var opens = new Option<string?>("--opens") { Description = "Opening date, ISO 8601, UTC (default: now)." };
        var closes = new Option<string?>("--closes") { Description = "Closing date, ISO 8601, UTC (default: 30 days after the opening)." };
        var daily = new Option<int>("--daily-limit") { Description = "Runs per team per UTC day.", DefaultValueFactory = _ => ChallengeRules.DefaultDailySubmissions };
        var teamSize = new Option<int>("--team-size") { Description = "Most accounts in a team.", DefaultValueFactory = _ => ChallengeRules.DefaultMaxTeamSize };
        var publicPercent = new Option<int>("--public-percent") { Description = "Share of the test set scored on the public leaderboard (%).", DefaultValueFactory = _ => ChallengeRules.DefaultPublicPercent };
        var create = new Command("create", "Create a challenge from labelled photo folders or the observatory's observations; prints its slug, counts and files.")
            { name, train, test, fromObservations, project, testPercent, since, until, baseUrl, model, slug, description, opens, closes, daily, teamSize, publicPercent };
        create.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            var opensUtc = parse.GetValue(opens) is { } o ? ParseDate(o, "--opens") : TimeProvider.System.GetUtcNow().UtcDateTime;
            var closesUtc = parse.GetValue(closes) is { } c ? ParseDate(c, "--closes") : opensUtc.AddDays(30);
            var (source, observatoryUrl) = Source(parse, fromObservations, train, test, project, testPercent, since, until, baseUrl);
            var spec = new ChallengeSpec
            {
                Name = parse.GetValue(name)!,
                Slug = parse.GetValue(slug),
                Description = parse.GetValue(description) ?? "",
                OpensUtc = opensUtc,
                ClosesUtc = closesUtc,
                DailySubmissionLimit = parse.GetValue(daily),
                MaxTeamSize = parse.GetValue(teamSize),
                PublicPercent = parse.GetValue(publicPercent),
                TrainDir = parse.GetValue(train),
                TestDir = parse.GetValue(test),
                Observations = source,
            };
            await using var db = store.Open(parse);
            var files = Files(store, parse);
            var progress = new SyncProgress<string>(line => Console.Error.WriteLine(line));
            var observatory = source is null ? null : new ObservatoryData(
                new PhotoStore(StorageSettings.FromEnvironment().CreatePhotoStore(store.Settings(parse).DataDirectory)),
                ModelBundle.Load(parse.GetValue(model) ?? ModelBundle.DefaultDirectory).Checklist, observatoryUrl!);
            var challenge = await ChallengeBuilder.CreateAsync(db, files, spec, null, TimeProvider.System, progress, ct, observatory);
            Console.WriteLine(challenge.Slug);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{challenge.TrainPhotos} training photos, {challenge.TestObservations} test observations, {challenge.Classes} classes; open {challenge.OpensUtc:yyyy-MM-dd HH:mm}Z to {challenge.ClosesUtc:yyyy-MM-dd HH:mm}Z"));
            foreach (var key in new[] { ChallengeFiles.Train(challenge.Id), ChallengeFiles.Test(challenge.Id), ChallengeFiles.Classes(challenge.Id) })
                Console.WriteLine($"published {files.Store.LocalPath(key) ?? key}");
            foreach (var key in new[] { ChallengeFiles.Truth(challenge.Id), ChallengeFiles.TestSources(challenge.Id) })
                Console.WriteLine($"hidden {files.Store.LocalPath(key) ?? key}");
            return ExitCodes.Ok;
        }, ct));
        return create;
    }

    private static Command ListCommand(DatabaseOptions store)
    {
        var list = new Command("list", "The challenges, the newest opening first: slug, phase, dates, teams, runs, test observations, classes.");
        list.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            await using var db = store.Open(parse);
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            var teams = await ChallengeStore.TeamCountsAsync(db, ct);
            var runs = await ChallengeStore.RunCountsAsync(db, ct);
            foreach (var c in await ChallengeStore.ListAsync(db, ct))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Slug}	{c.PhaseAt(now).ToString().ToLowerInvariant()}	{c.OpensUtc:yyyy-MM-dd HH:mm}Z	{c.ClosedUtc ?? c.ClosesUtc:yyyy-MM-dd HH:mm}Z	{teams.GetValueOrDefault(c.Id)} teams	{runs.GetValueOrDefault(c.Id)} runs	{c.TestObservations} test observations	{c.Classes} classes	{c.Name}"));
            return ExitCodes.Ok;
        }, ct));
        return list;
    }

    private static Command CloseCommand(DatabaseOptions store)
    {
        var slug = new Argument<string>("slug") { Description = "The challenge's slug." };
        var close = new Command("close", "Close a challenge now: no more runs; the private leaderboard appears.") { slug };
        close.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            await using var db = store.Open(parse);
            var challenge = await ChallengeBuilder.CloseAsync(db, parse.GetValue(slug)!, TimeProvider.System, ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{challenge.Slug} closed at {challenge.ClosedUtc:yyyy-MM-dd HH:mm:ss}Z."));
            return ExitCodes.Ok;
        }, ct));
        return close;
    }

    /// <summary>The server's challenge file store (Florascope__Storage__... from the environment, like the server's settings).</summary>
    private static ChallengeFileStore Files(DatabaseOptions store, ParseResult parse) =>
        new(StorageSettings.FromEnvironment().CreateChallengeStore(store.Settings(parse).DataDirectory));

    /// <summary>The observations a challenge is made of (null for folders) and the base URL; a one-line error when the options mix both ways.</summary>
    private static (ObservationSource? Source, string? BaseUrl) Source(ParseResult parse, Option<bool> fromObservations, Option<string?> train, Option<string?> test,
        Option<string?> project, Option<int> testPercent, Option<string?> since, Option<string?> until, Option<string?> baseUrl)
    {
        Option[] observationOptions = [project, testPercent, since, until, baseUrl];
        if (!parse.GetValue(fromObservations))
        {
            if (observationOptions.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } stray)
                throw new ArgumentException($"{stray.Name} goes with --from-observations.");
            if (parse.GetValue(train) is null || parse.GetValue(test) is null)
                throw new ArgumentException("Give --train DIR and --test DIR, or --from-observations.");
            return (null, null);
        }
        if (parse.GetValue(train) is not null || parse.GetValue(test) is not null)
            throw new ArgumentException("--from-observations and --train/--test exclude each other: a challenge is made of one or the other.");
        var url = parse.GetValue(baseUrl) ?? Environment.GetEnvironmentVariable("Florascope__PublicBaseUrl");
        if (string.IsNullOrWhiteSpace(url)) throw new ArgumentException("Give --base-url (or set Florascope__PublicBaseUrl): the licences and the Darwin Core Archive link to the observation pages.");
        try { DwcaWriter.CheckedBaseUrl(url); }
        catch (ArgumentException e) { throw new ArgumentException($"--base-url: {e.Message}", e); }
        ProjectCode? code = null;
        if (parse.GetValue(project) is { } p)
        {
            if (ProjectCode.Problem(p) is { } problem) throw new ArgumentException($"--project: {problem}");
            code = ProjectCode.Parse(p);
        }
        return (new ObservationSource
        {
            Project = code,
            TestPercent = parse.GetValue(testPercent),
            SinceUtc = parse.GetValue(since) is { } s ? ParseDate(s, "--since") : null,
            UntilUtc = parse.GetValue(until) is { } u ? ParseDate(u, "--until") : null,
        }, url);
    }

    private static DateTime ParseDate(string text, string option) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
            ? d : throw new ArgumentException($"{option}: '{text}' is not a date (ISO 8601, e.g. 2027-03-01 or 2027-03-01T12:00:00Z).");
}
