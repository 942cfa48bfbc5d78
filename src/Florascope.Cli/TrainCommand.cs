using System.CommandLine;
using Florascope.Bundles;
using Florascope.Data;
using Florascope.Data.Models;
using Florascope.Data.Observations;
using Florascope.Taxonomy;
using System.Globalization;
using Florascope.Engine;
using Florascope.Training;
using Microsoft.EntityFrameworkCore;

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

        var includeObservations = new Option<bool>("--include-observations") { Description = "Add the photos of the database's valid observations (images voted out excluded) to the training photos." };
        var register = new Option<bool>("--register") { Description = "Evaluate the new model and the current one on the fixed evaluation set, record both, and promote the new one if its macro MRR is not worse." };
        var evalData = new Option<string?>("--eval-data") { Description = "Fixed evaluation photos (default: --val)." };
        var evalNonPlants = new Option<string?>("--eval-non-plants") { Description = "Fixed evaluation non-plant photos (default: <--non-plants>/val)." };
        var maxDrop = new Option<double>("--max-mrr-drop") { Description = "Promote even if the macro MRR is lower by at most this much (default 0).", DefaultValueFactory = _ => 0 };
        var baseline = new Option<string?>("--baseline") { Description = "Model to compare with when none is registered yet (default: the shipped models/demo)." };
        var trainViews = new Option<string?>("--train-views") { Description = "Views embedded per training photo, e.g. 0 (default: all 8)." };
        var inferenceViews = new Option<string?>("--inference-views") { Description = "Views run at identification, e.g. 0 (default: view 0, then views 1-5 when unsure); no extra views when given." };
        var store = new DatabaseOptions(recursive: false);

        var command = new Command("train", "Train a model bundle: embeddings (cached), heads, calibration, reference index.")
        { data, val, nonPlants, checklist, output, version, cache, maxPerTaxon, epochs, includeObservations, register, evalData, evalNonPlants, maxDrop, baseline, trainViews, inferenceViews };
        store.AddTo(command);
        command.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
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
            if (parse.GetValue(trainViews) is { } tv) options = options with { TrainViews = EvaluateCommand.ParseViews(tv) };
            if (parse.GetValue(inferenceViews) is { } iv) options = options with { Inference = options.Inference with { Views = EvaluateCommand.ParseViews(iv), ExtraViews = [] } };
            var outDir = Path.GetFullPath(parse.GetValue(output)!);
            var usesDatabase = parse.GetValue(includeObservations) || parse.GetValue(register);
            await using var db = usesDatabase ? store.Open(parse) : null;
            if (parse.GetValue(includeObservations))
            {
                var extra = await ModelRegistry.ValidatedPhotosAsync(db!, store.Photos(parse), Checklist.Load(options.ChecklistPath), ct,
                    Path.Combine(store.Settings(parse).DataDirectory, "photo-cache"));
                Console.Error.WriteLine($"Adding {extra.Count} photos of valid observations to the training photos.");
                options = options with { ExtraTrain = extra };
            }
            if (parse.GetValue(register) && await db!.ModelVersions.AnyAsync(m => m.Version == options.Version, ct))
                throw new ArgumentException($"A model {options.Version} is already registered; give the new one another --version.");
            using var backbone = EngineFactory.CreateBackbone();
            var embeddingCache = new EmbeddingCache(parse.GetValue(cache) ?? EmbeddingCache.DefaultDirectory, backbone.Sha256);
            var bar = new ProgressBar();
            var embedder = new Embedder(backbone);
            var bundle = new Trainer(embedder, embeddingCache, Console.Error).Train(options, bar);
            bar.Finish();
            bundle.Save(outDir);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine($"Model {bundle.Manifest.Version} written to {outDir}");
            if (bundle.Manifest.Validation is { } v)
            {
                var m = v.Identification;
                Console.WriteLine(string.Create(inv, $"validation: n={m.N} top1={m.Top1:F4} top5={m.Top5:F4} mrr={m.Mrr:F4} macroMrr={m.MacroMrr:F4} ece={m.Ece:F4} plantRejected={v.PlantRejected:F4} nonPlantAccepted={v.NonPlantAccepted:F4} organAccuracy={v.OrganAccuracy:F4}"));
            }
            if (parse.GetValue(register))
            {
                var evalPlants = parse.GetValue(evalData) ?? options.ValDir ?? throw new ArgumentException("--register needs a fixed evaluation set: --eval-data (or --val).");
                var evalOthers = parse.GetValue(evalNonPlants) ?? Path.Combine(options.NonPlantsDir, "val");
                await RegisterAsync(db!, bundle, outDir, options.ExtraTrain.Count, evalPlants, Directory.Exists(evalOthers) ? evalOthers : null,
                    parse.GetValue(baseline), parse.GetValue(maxDrop), embedder, embeddingCache, store.Bundles(parse), ct);
            }
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>Registers the candidate (<see cref="ModelRegistry.RegisterAsync"/>) and prints both evaluations and the decision.</summary>
    private static async Task RegisterAsync(FlorascopeDb db, ModelBundle candidate, string candidateDir, int observationPhotos, string evalPlants, string? evalOthers,
        string? baselineDir, double maxDrop, Embedder embedder, EmbeddingCache cache, BundleStore bundles, CancellationToken ct)
    {
        var registration = await ModelRegistry.RegisterAsync(db, new CandidateModel(candidate, candidateDir, observationPhotos), new EvaluationSet(evalPlants, evalOthers),
            baselineDir, maxDrop, embedder, cache, TimeProvider.System, ct, bundles);
        Console.WriteLine($"evaluation ({evalPlants}): candidate {registration.Candidate.Version} {registration.Candidate.Summary}");
        Console.WriteLine($"evaluation ({evalPlants}): current   {registration.Current.Version} {registration.Current.Summary}");
        Console.WriteLine($"{(registration.Decision.Promote ? "Promoted" : "Not promoted")}: {registration.Decision.Reason}");
    }
}
