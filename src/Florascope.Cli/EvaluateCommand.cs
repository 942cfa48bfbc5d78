using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Florascope.Engine;
using Florascope.Evaluation;
using Florascope.Training;

namespace Florascope.Cli;

public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Model bundle folder (default: the shipped models/demo)." };
        var data = new Option<string>("--data") { Description = "Labelled photos: one folder per taxon, named by its scientific name.", Required = true };
        var nonPlants = new Option<string?>("--non-plants") { Description = "A folder of photos without plants, to measure rejection." };
        var project = new Option<string>("--project") { Description = "Flora to identify within.", DefaultValueFactory = _ => "all" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var cache = new Option<string?>("--cache") { Description = "Embedding cache folder." };

        var command = new Command("evaluate", "Measure a model on labelled photos: top-1, top-5, MRR, macro averages, calibration, rejection.")
        { model, data, nonPlants, project, json, cache };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var bundle = EngineFactory.LoadBundle(parse.GetValue(model));
            var projectId = parse.GetValue(project)!;
            if (!bundle.Checklist.HasProject(projectId))
                throw new ArgumentException($"Unknown project '{projectId}': use one of {string.Join(", ", bundle.Checklist.Projects)}.");
            var plants = ImageDataset.LoadTaxonFolders(parse.GetValue(data)!, bundle.Checklist);
            var others = parse.GetValue(nonPlants) is { } np ? ImageDataset.LoadFlat(np, -1) : null;

            using var backbone = EngineFactory.CreateBackbone();
            EngineFactory.CreateEngine(bundle, backbone);
            var embedder = new Embedder(backbone);
            var embeddingCache = new EmbeddingCache(parse.GetValue(cache) ?? EmbeddingCache.DefaultDirectory, backbone.Sha256);
            var views = Evaluator.PolicyViews(bundle.Manifest.Inference);
            var bar = new ProgressBar();
            EmbeddedSet Embed(string stage, List<LabelledImage> items) => new(items,
                EmbeddingExtractor.Extract(embedder, embeddingCache, items.Select(i => i.Path).ToList(), views,
                    new Florascope.Learning.SyncProgress<(int Done, int Total)>(p => bar.Report((stage, p.Done, p.Total)))), views.Length);
            var plantSet = Embed("embed photos", plants);
            var otherSet = others is null ? null : Embed("embed non-plants", others);
            bar.Finish();
            var report = Evaluator.Evaluate(bundle, plantSet, otherSet, projectId);
            var m = report.Metrics;
            if (parse.GetValue(json))
            {
                var o = new Dictionary<string, object?>
                {
                    ["n"] = m.N, ["top1"] = m.Top1, ["top5"] = m.Top5, ["mrr"] = m.Mrr,
                    ["macroTop1"] = m.MacroTop1, ["macroTop5"] = m.MacroTop5, ["macroMrr"] = m.MacroMrr, ["ece"] = m.Ece,
                    ["plantRejected"] = report.PlantRejected, ["nonPlantAccepted"] = report.NonPlantAccepted,
                    ["nonPlants"] = report.NonPlants, ["organAccuracy"] = report.OrganAccuracy, ["outsideProject"] = report.OutsideProject,
                    ["model"] = bundle.Manifest.Version, ["project"] = projectId,
                };
                Console.WriteLine(JsonSerializer.Serialize(o));
                return ExitCodes.Ok;
            }
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"Model {bundle.Manifest.Version} · project {projectId} · {m.N} photos of {report.PerTaxon.Count} taxa" +
                (report.OutsideProject > 0 ? $" ({report.OutsideProject} outside the project skipped)" : ""));
            Console.WriteLine();
            Console.WriteLine($"{"taxon",-40} {"n",5} {"top1",7} {"top5",7} {"MRR",7}");
            foreach (var c in report.PerTaxon.OrderBy(c => c.Mrr))
                Console.WriteLine(string.Create(inv, $"{bundle.Checklist.Taxa[c.Label].ScientificNameWithoutAuthor,-40} {c.N,5} {c.Top1,7:P1} {c.Top5,7:P1} {c.Mrr,7:F3}"));
            Console.WriteLine();
            Console.WriteLine(string.Create(inv, $"top-1        {m.Top1:P2}    macro {m.MacroTop1:P2}"));
            Console.WriteLine(string.Create(inv, $"top-5        {m.Top5:P2}    macro {m.MacroTop5:P2}"));
            Console.WriteLine(string.Create(inv, $"MRR          {m.Mrr:F4}    macro {m.MacroMrr:F4}"));
            Console.WriteLine(string.Create(inv, $"ECE          {m.Ece:F4}"));
            Console.WriteLine(string.Create(inv, $"plants rejected      {report.PlantRejected:P2}"));
            if (report.NonPlantAccepted is { } a) Console.WriteLine(string.Create(inv, $"non-plants accepted  {a:P2} of {report.NonPlants}"));
            return ExitCodes.Ok;
        }));
        return command;
    }
}
