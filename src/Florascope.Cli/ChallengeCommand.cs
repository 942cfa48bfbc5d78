using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Florascope.Challenges;

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
        return new Command("challenge", "Evaluation challenges (LifeCLEF run files).") { score };
    }
}
