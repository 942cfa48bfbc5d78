using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Learning;
using Florascope.Evaluation;
using Florascope.Identification;
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
        var views = new Option<string?>("--views") { Description = "Override the bundle's first views, e.g. 0,1 (views 0-7: identity, mirror, rotations 90/180/270, vertical flip, transposes)." };
        var extraViews = new Option<string?>("--extra-views") { Description = "Override the extra views run when unsure, e.g. 1,2,3,4,5 ('none' for none)." };
        var extraBelow = new Option<float?>("--extra-below") { Description = "Override the top score under which the extra views run." };
        var observations = new Option<int>("--observations") { Description = "Also score observations of N photos of the same taxon, fused by each rule (N >= 2)." };

        var command = new Command("evaluate", "Measure a model on labelled photos: top-1, top-5, MRR, macro averages, calibration, rejection.")
        { model, data, nonPlants, project, json, cache, views, extraViews, extraBelow, observations };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var bundle = WithOverrides(EngineFactory.LoadBundle(parse.GetValue(model)), parse.GetValue(views), parse.GetValue(extraViews), parse.GetValue(extraBelow));
            var projectId = parse.GetValue(project)!;
            if (!bundle.Checklist.HasProject(projectId))
                throw new ArgumentException($"Unknown project '{projectId}': use one of {string.Join(", ", bundle.Checklist.Projects)}.");
            var plants = ImageDataset.LoadTaxonFolders(parse.GetValue(data)!, bundle.Checklist);
            var others = parse.GetValue(nonPlants) is { } np ? ImageDataset.LoadFlat(np, -1) : null;

            using var backbone = EngineFactory.CreateBackbone();
            IdentificationEngine.EnsureSameBackbone(bundle, backbone);
            var embedder = new Embedder(backbone);
            var embeddingCache = new EmbeddingCache(parse.GetValue(cache) ?? EmbeddingCache.DefaultDirectory, backbone.Sha256);
            var policyViews = Evaluator.PolicyViews(bundle.Manifest.Inference);
            var bar = new ProgressBar();
            EmbeddedSet Embed(string stage, List<LabelledImage> items) => new(items,
                EmbeddingExtractor.Extract(embedder, embeddingCache, items.Select(i => i.Path).ToList(), policyViews,
                    new SyncProgress<(int Done, int Total)>(p => bar.Report((stage, p.Done, p.Total)))), policyViews.Length);
            var plantSet = Embed("embed photos", plants);
            var otherSet = others is null ? null : Embed("embed non-plants", others);
            bar.Finish();
            var report = Evaluator.Evaluate(bundle, plantSet, otherSet, projectId);
            var m = report.Metrics;
            var fused = new Dictionary<string, EvaluationMetrics>();
            if (parse.GetValue(observations) is var k and >= 2)
                foreach (var rule in Enum.GetValues<FusionRule>())
                    fused[rule.ToString()] = Evaluator.EvaluateObservations(bundle, plantSet, k, rule, projectId);
            if (parse.GetValue(json))
            {
                var o = new Dictionary<string, object?>
                {
                    ["n"] = m.N, ["top1"] = m.Top1, ["top5"] = m.Top5, ["mrr"] = m.Mrr,
                    ["macroTop1"] = m.MacroTop1, ["macroTop5"] = m.MacroTop5, ["macroMrr"] = m.MacroMrr, ["ece"] = m.Ece,
                    ["plantRejected"] = report.PlantRejected, ["nonPlantAccepted"] = report.NonPlantAccepted,
                    ["nonPlants"] = report.NonPlants, ["organAccuracy"] = report.OrganAccuracy, ["outsideProject"] = report.OutsideProject, ["meanPasses"] = report.MeanPasses,
                    ["model"] = bundle.Manifest.Version, ["project"] = projectId,
                };
                if (fused.Count > 0) o["observations"] = fused;
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
            Console.WriteLine(string.Create(inv, $"network passes per photo  {report.MeanPasses:F2}"));
            Console.WriteLine(string.Create(inv, $"plants rejected      {report.PlantRejected:P2}"));
            if (report.NonPlantAccepted is { } a) Console.WriteLine(string.Create(inv, $"non-plants accepted  {a:P2} of {report.NonPlants}"));
            foreach (var (rule, f) in fused)
                Console.WriteLine(string.Create(inv, $"observations of {parse.GetValue(observations)} photos, {rule,-16} n={f.N} top-1 {f.Top1:P2} top-5 {f.Top5:P2} macro MRR {f.MacroMrr:F4} ECE {f.Ece:F4}"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static ModelBundle WithOverrides(ModelBundle bundle, string? views, string? extraViews, float? extraBelow)
    {
        var s = bundle.Manifest.Inference;
        if (views is not null) s = s with { Views = ParseViews(views) };
        if (extraViews is not null) s = s with { ExtraViews = extraViews == "none" ? [] : ParseViews(extraViews) };
        if (extraBelow is { } below) s = s with { ExtraViewsBelow = below };
        return s == bundle.Manifest.Inference ? bundle
            : new ModelBundle(bundle.Manifest with { Inference = s }, bundle.Checklist, bundle.Heads, bundle.References);
    }

    internal static int[] ParseViews(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = parts.Select(p => int.TryParse(p, out var v) && v is >= 0 and < Backbone.Views ? v
            : throw new ArgumentException($"Bad view '{p}': views are 0 to {Backbone.Views - 1}.")).Distinct().ToArray();
        return result.Length > 0 ? result : throw new ArgumentException("No view given.");
    }
}
