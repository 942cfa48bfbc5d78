using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Florascope.Identification;
using Florascope.Survey;

namespace Florascope.Cli;

/// <summary><c>florascope survey PHOTO</c>: every species in a photo of a plot, as /v2/survey/tiles answers it (docs/api.md "Surveys").</summary>
public static class SurveyCommand
{
    public static Command Create()
    {
        var photo = new Argument<string>("photo") { Description = "One photo (JPEG or PNG) of a vegetation plot." };
        var project = new Option<string>("--project") { Description = "Flora to identify within: all, weurope, namerica, useful, or best (the one that fits the photo).", DefaultValueFactory = _ => "all" };
        var tileSize = new Option<int>("--tile-size") { Description = "The smallest window, in pixels of the photo.", DefaultValueFactory = _ => TilingSettings.DefaultTileSize };
        var stride = new Option<int?>("--stride") { Description = "The step between windows of the smallest size, in pixels (default: 300, or half the tile size when that is smaller)." };
        var noMultiScale = new Option<bool>("--no-multi-scale") { Description = "Windows of the smallest size only (by default they grow by the size factor up to the photo's short side)." };
        var sizeFactor = new Option<double>("--size-factor") { Description = "How much each scale's windows grow (default √2).", DefaultValueFactory = _ => TilingSettings.DefaultSizeFactor };
        var minScore = new Option<double>("--min-score") { Description = "A species counts in a window only with at least this score.", DefaultValueFactory = _ => CountingRule.DefaultMinScore };
        var maxRank = new Option<int>("--max-rank") { Description = "Only a window's top N species count.", DefaultValueFactory = _ => CountingRule.DefaultMaxRank };
        var lang = new Option<string>("--lang") { Description = "Language of the common names in --json.", DefaultValueFactory = _ => "en" };
        var json = new Option<bool>("--json") { Description = "Print the answer of /v2/survey/tiles (species, genus and family), with the units it would cost." };
        var model = new Option<string?>("--model") { Description = "Model bundle folder (default: the shipped models/demo)." };

        var command = new Command("survey", "Every species in one photo of a plot: the photo cut into overlapping windows, each identified, the species aggregated.")
        {
            photo, project, tileSize, stride, noMultiScale, sizeFactor, minScore, maxRank, lang, json, model,
        };
        command.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            var language = parse.GetValue(lang)!;
            if (!Taxonomy.Languages.IsKnown(language))
                throw new ArgumentException($"Unknown language '{language}': use one of {string.Join(", ", Taxonomy.Languages.All)}.");
            var bundle = EngineFactory.LoadBundle(parse.GetValue(model));
            var request = new SurveyRequest(IdentifyCommand.ReadImageFile(parse.GetValue(photo)!), parse.GetValue(project)!,
                TilingSettings.From(parse.GetValue(tileSize), parse.GetValue(stride), !parse.GetValue(noMultiScale), parse.GetValue(sizeFactor)),
                new CountingRule(parse.GetValue(minScore), parse.GetValue(maxRank)));
            using var backbone = EngineFactory.CreateBackbone();
            var engine = EngineFactory.CreateEngine(bundle, backbone);
            SurveySession session;
            try
            {
                session = SurveySession.Start(engine, request);
            }
            catch (SurveyException e)
            {
                await Console.Error.WriteLineAsync($"florascope: {e.Message}");
                return ExitCodes.BadInput;
            }
            using (session)
            {
                // Progress only where someone watches it; redirected stderr stays clean for scripts.
                var progress = Console.IsErrorRedirected ? null : new ProgressBar();
                for (var i = 0; i < session.Chunks; i++)
                {
                    ct.ThrowIfCancellationRequested();
                    await Task.Run(() => session.RunChunk(i), ct);
                    progress?.Report(("windows", Math.Min(session.Tiles.Count, (i + 1) * SurveyEngine.Chunk), session.Tiles.Count));
                }
                progress?.Finish();
                var result = session.Finish();
                if (parse.GetValue(json))
                    Console.WriteLine(JsonSerializer.Serialize(SurveyResponses.Build(result, bundle.Checklist, request.Project, new SurveyLevels(true, true, true), language, session.Units), CliJson.Options));
                else
                    Print(result, bundle.Checklist);
            }
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static void Print(SurveyResult r, Taxonomy.Checklist checklist)
    {
        var inv = CultureInfo.InvariantCulture;
        var kept = r.Species.Labels.Where(l => l.Reject is null).ToList();
        Console.WriteLine($"{r.Width} x {r.Height} px · project {r.Project}");
        Console.WriteLine($"{"coverage",9} {"windows",8} {"best",6}  species");
        foreach (var l in kept)
        {
            var index = checklist.IndexOf(l.Name);
            var name = index >= 0 ? checklist.Taxa[index].ScientificName : l.Name;
            Console.WriteLine($"{(l.Coverage * 100).ToString("F1", inv),7} % {l.Count,8} {l.MaxScore.ToString("F2", inv),6}  {name}");
        }
        var rules = SurveyRules.Default;
        if (kept.Count == 0)
            Console.WriteLine(string.Create(inv, $"  (no species kept by the rules: a best window score of {rules.MinMaxScore} or more, the best species of {rules.MinWins} windows, found at {rules.MinScales} window sizes; fewer when the photo has fewer)"));
        Console.WriteLine(string.Create(inv, $"{r.Species.Tiles} windows, {r.Species.MatchingTiles} matching, {r.Species.Uncovered * 100:F1} % uncovered, model {r.ModelVersion}"));
        var rejected = r.Species.Labels.Count - kept.Count;
        if (rejected > 0)
            Console.WriteLine($"{rejected} more species rejected ({string.Join(", ", r.Species.Labels.Where(l => l.Reject is not null).GroupBy(l => l.Reject!.Value).Select(g => $"{g.Count()} {SurveyRejection.Code(g.Key)}"))}).");
    }
}
