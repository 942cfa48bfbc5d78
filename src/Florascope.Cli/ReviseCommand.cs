using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Florascope.Data.Revision;
using Florascope.Revision;

namespace Florascope.Cli;

/// <summary>
/// <c>florascope revise</c>: the whole weighted-vote iteration, either on the observatory's
/// database (labels, validity, users' expertise and scores) or, with --answers, offline on a crowd
/// in the peerannot format so that published crowd data sets can be reprocessed.
/// </summary>
public static class ReviseCommand
{
    public static Command Create()
    {
        var answers = new Option<string?>("--answers") { Description = "peerannot answers.json: {\"task\": {\"worker\": label}}; the worker \"AI\" is the model. Without it, the database is revised." };
        var authors = new Option<string?>("--authors") { Description = "peerannot authors.txt: line i is the author of task i (-1 when unknown)." };
        var aiScores = new Option<string?>("--ai-scores") { Description = "JSON {\"task\": top score} of the model's votes." };
        var output = new Option<string?>("--out") { Description = "Where to write {\"tasks\": ..., \"workers\": ...} (with --answers)." };
        var model = new Option<string?>("--model") { Description = "Model bundle whose checklist orders the taxa for ties (database mode; default: models/demo)." };
        var thetaAcc = new Option<double?>("--theta-acc") { Description = "Accuracy threshold (default 0.7)." };
        var thetaConf = new Option<double?>("--theta-conf") { Description = "Confidence threshold (default 2)." };
        var aiWeight = new Option<double?>("--ai-weight") { Description = "Weight of the model's vote (default 1.7)." };
        var aiMin = new Option<double?>("--ai-min-score") { Description = "The model votes where its score is at least this (default 0.7)." };
        var tolerance = new Option<double?>("--tolerance") { Description = "Stop when the mean change of n_j per task is at most this (default 0: until n_j stops changing; the reference uses 1e-5)." };
        var minRounds = new Option<int?>("--min-rounds") { Description = "At least this many rounds (default 1; the reference uses 5)." };
        var maxRounds = new Option<int?>("--max-rounds") { Description = "At most this many rounds (default 100)." };
        var rebuild = new Option<bool>("--rebuild-indexes")
        {
            Description = "PostgreSQL, database mode: when most observations change (a first batch), lock the table and rebuild the indexes on the changed columns instead of updating them row by row; several times faster, but readers wait meanwhile (a maintenance window).",
        };
        var store = new DatabaseOptions(recursive: false);

        var command = new Command("revise", "Rerun the weighted vote: on the database, or on a peerannot crowd file (--answers ... --out ...).")
        { answers, authors, aiScores, output, model, thetaAcc, thetaConf, aiWeight, aiMin, tolerance, minRounds, maxRounds, rebuild };
        store.AddTo(command);
        command.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            var d = AggregationSettings.Default;
            var settings = d with
            {
                ThetaAccuracy = parse.GetValue(thetaAcc) ?? d.ThetaAccuracy,
                ThetaConfidence = parse.GetValue(thetaConf) ?? d.ThetaConfidence,
                AiWeight = parse.GetValue(aiWeight) ?? d.AiWeight,
                AiMinScore = parse.GetValue(aiMin) ?? d.AiMinScore,
                Tolerance = parse.GetValue(tolerance) ?? d.Tolerance,
                MinRounds = parse.GetValue(minRounds) ?? d.MinRounds,
                MaxRounds = parse.GetValue(maxRounds) ?? d.MaxRounds,
            };
            settings.Validate();
            var inv = CultureInfo.InvariantCulture;
            if (parse.GetValue(answers) is { } answersPath)
            {
                var outPath = parse.GetValue(output) ?? throw new ArgumentException("--out is required with --answers.");
                var clock = Stopwatch.StartNew();
                var crowd = PeerannotFiles.Read(answersPath, parse.GetValue(authors), parse.GetValue(aiScores));
                var read = clock.Elapsed;
                var result = LabelAggregation.Run(crowd.Votes, settings, new Progress(Console.Error));
                var run = clock.Elapsed - read;
                var temp = outPath + ".tmp";
                using (var stream = File.Create(temp)) PeerannotFiles.Write(stream, crowd, result, settings);
                File.Move(temp, outPath, overwrite: true);
                Console.WriteLine(string.Create(inv,
                    $"{crowd.Votes.TaskCount} tasks, {crowd.WorkerNames.Count} workers, {crowd.Votes.VoteCount} votes and {crowd.AiVotes} by the model: " +
                    $"{result.Valid.Count(v => v)} valid, {result.Rounds} rounds{(result.Converged ? "" : " (not converged)")}; read {read.TotalSeconds:F1} s, aggregated {run.TotalSeconds:F1} s. Written to {outPath}"));
                return ExitCodes.Ok;
            }
            if (parse.GetValue(output) is not null || parse.GetValue(authors) is not null || parse.GetValue(aiScores) is not null)
                throw new ArgumentException("--out, --authors and --ai-scores go with --answers.");
            var checklist = EngineFactory.LoadBundle(parse.GetValue(model)).Checklist;
            await using var db = store.Open(parse);
            var report = await CommunityRevision.RunBatchAsync(db, checklist, settings, TimeProvider.System, new Progress(Console.Error), ct,
                parse.GetValue(rebuild) ? BatchWrite.Rebuild : BatchWrite.Online);
            // Taxa may have changed: public positions follow (geoprivacy of threatened taxa).
            await Florascope.Data.Privacy.PublicPositions.RefreshAsync(db, Florascope.Data.Privacy.GeoprivacyKey.FromEnvironment(db, store.Settings(parse).DataDirectory), ct);
            Console.WriteLine(string.Create(inv,
                $"Revised {report.Observations} observations ({report.Votes} votes, {report.Users} users): {report.Valid} valid; " +
                $"{report.ObservationsChanged} observations, {report.UsersChanged} users and {report.PhotosChanged} photos changed; " +
                $"{report.Rounds} rounds{(report.Converged ? "" : " (not converged)")} in {report.Elapsed.TotalSeconds:F1} s."));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>Progress lines on stderr, as they come (IProgress without a synchronisation context).</summary>
    private sealed class Progress(TextWriter writer) : IProgress<string>
    {
        public void Report(string value) => writer.WriteLine(value);
    }
}
