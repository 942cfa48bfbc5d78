using System.CommandLine;
using System.Globalization;
using Florascope.Engine;
using Florascope.Training;

namespace Florascope.Cli;

public static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Training photos: one folder per taxon, named by its scientific name.", Required = true };
        var val = new Option<string?>("--val") { Description = "Validation photos (same layout): calibration and the metrics in the manifest." };
        var nonPlants = new Option<string>("--non-plants") { Description = "Photos without plants: a folder with train/ (and val/).", Required = true };
        var checklist = new Option<string>("--checklist") { Description = "checklist.tsv of the taxa.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write the model bundle to (replaced).", Required = true };
        var version = new Option<string?>("--version") { Description = "Version string of the new model (default: florascope-<UTC time>)." };
        var cache = new Option<string?>("--cache") { Description = "Embedding cache folder (default: ~/.cache/florascope or $FLORASCOPE_CACHE)." };
        var maxPerTaxon = new Option<int>("--max-per-taxon") { Description = "Use at most N training photos per taxon (quick experiments)." };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs of the taxon head." };

        var command = new Command("train", "Train a model bundle: embeddings (cached), heads, calibration, reference index.")
        { data, val, nonPlants, checklist, output, version, cache, maxPerTaxon, epochs };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var defaults = new TrainOptions { TrainDir = "", NonPlantsDir = "", ChecklistPath = "" };
            var options = defaults with
            {
                TrainDir = parse.GetValue(data)!,
                ValDir = parse.GetValue(val),
                NonPlantsDir = parse.GetValue(nonPlants)!,
                ChecklistPath = parse.GetValue(checklist)!,
                MaxPerTaxon = parse.GetValue(maxPerTaxon),
                Version = parse.GetValue(version) ?? defaults.Version,
                TaxonHead = parse.GetValue(epochs) is { } e ? defaults.TaxonHead with { Epochs = e } : defaults.TaxonHead,
            };
            var outDir = parse.GetValue(output)!;
            using var backbone = EngineFactory.CreateBackbone();
            var embeddingCache = new EmbeddingCache(parse.GetValue(cache) ?? EmbeddingCache.DefaultDirectory, backbone.Sha256);
            var bar = new ProgressBar();
            var bundle = new Trainer(new Embedder(backbone), embeddingCache, Console.Error).Train(options, bar);
            bar.Finish();
            bundle.Save(outDir);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"Model {bundle.Manifest.Version} written to {outDir}");
            if (bundle.Manifest.Validation is { } v)
            {
                var m = v.Identification;
                Console.WriteLine(string.Create(inv, $"validation: n={m.N} top1={m.Top1:F4} top5={m.Top5:F4} mrr={m.Mrr:F4} macroMrr={m.MacroMrr:F4} ece={m.Ece:F4} plantRejected={v.PlantRejected:F4} nonPlantAccepted={v.NonPlantAccepted:F4} organAccuracy={v.OrganAccuracy:F4}"));
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
