using System.CommandLine;
using System.Globalization;
using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Floras;
using Florascope.Training;

namespace Florascope.Cli;

/// <summary><c>florascope flora build</c>: a model bundle from a GBIF occurrence download.</summary>
public static class FloraBuildCommand
{
    public static Command Create()
    {
        var dwca = new Option<string>("--dwca") { Description = "The GBIF occurrence download (Darwin Core Archive .zip, with multimedia).", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write the model bundle to (replaced), e.g. models/my-flora.", Required = true };
        var version = new Option<string?>("--version") { Description = "Version string of the new model (default: flora-<UTC time>)." };
        var licences = new Option<string>("--licences") { Description = "Photo licences to keep, comma-separated: CC0, CC-BY, CC-BY-NC, CC-BY-SA, CC-BY-NC-SA, CC-BY-ND, CC-BY-NC-ND, PDM.", DefaultValueFactory = _ => "CC0,CC-BY,CC-BY-NC" };
        var minImages = new Option<int>("--min-images") { Description = "Leave out species with fewer photos (once downloaded).", DefaultValueFactory = _ => 20 };
        var maxImages = new Option<int>("--max-images") { Description = "Download at most this many photos per species (whole occurrences).", DefaultValueFactory = _ => 500 };
        var nonPlants = new Option<string?>("--non-plants") { Description = "Photos without plants: a folder with train/ (and val/) (default: data/non-plants)." };
        var cache = new Option<string?>("--cache") { Description = "Folder of downloaded photos and embeddings; a rerun resumes from it (default: ~/.cache/florascope or $FLORASCOPE_CACHE)." };
        var vernacular = new Option<string?>("--vernacular") { Description = "A GBIF checklist archive with the Vernacular Names extension: common names in the 13 languages." };
        var concurrency = new Option<int>("--concurrency") { Description = "Downloads at once (all hosts; at most 2 per host).", DefaultValueFactory = _ => 8 };
        var trainViews = new Option<string?>("--train-views") { Description = "Views embedded per training photo, e.g. 0 (default: all 8)." };
        var inferenceViews = new Option<string?>("--inference-views") { Description = "Views run at identification, e.g. 0 (default: view 0, then views 1-5 when unsure)." };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs of the taxon head." };

        var command = new Command("build", "Build a flora (a trained model bundle) from a GBIF occurrence download: filter, download the photos, split by occurrence, train.")
        { dwca, output, version, licences, minImages, maxImages, nonPlants, cache, vernacular, concurrency, trainViews, inferenceViews, epochs };
        command.SetAction((ParseResult parse, CancellationToken ct) => CliRunner.RunAsync(async () =>
        {
            var archive = parse.GetValue(dwca)!;
            if (!File.Exists(archive) && !Directory.Exists(archive)) throw new FileNotFoundException($"No archive at {archive}.");
            var outDir = Path.GetFullPath(parse.GetValue(output)!);
            var cacheDir = parse.GetValue(cache) ?? EmbeddingCache.DefaultDirectory;
            var views = parse.GetValue(trainViews) is { } tv ? EvaluateCommand.ParseViews(tv) : null;
            var inference = parse.GetValue(inferenceViews) is { } iv ? EvaluateCommand.ParseViews(iv) : null;
            var taxonEpochs = parse.GetValue(epochs);
            if (parse.GetValue(concurrency) is < 1 or > 64) throw new ArgumentException("--concurrency must be 1-64.");
            var options = new FloraBuildOptions
            {
                Archive = archive,
                NonPlantsDir = parse.GetValue(nonPlants) ?? Path.Combine(ModelBundle.DefaultDataDirectory, "non-plants"),
                StoreDirectory = cacheDir,
                VernacularArchive = parse.GetValue(vernacular),
                Licences = PhotoLicences.ParseList(parse.GetValue(licences)!),
                MinImages = parse.GetValue(minImages),
                MaxImages = parse.GetValue(maxImages),
                Download = new DownloadSettings { Concurrency = parse.GetValue(concurrency) },
                Training = t =>
                {
                    if (views is not null) t = t with { TrainViews = views };
                    if (inference is not null) t = t with { Inference = t.Inference with { Views = inference, ExtraViews = [] } };
                    if (taxonEpochs is { } e) t = t with { TaxonHead = t.TaxonHead with { Epochs = e } };
                    return t;
                },
            };
            if (parse.GetValue(version) is { } v) options = options with { Version = v };

            // The network loads only once the photos are in: a bad archive fails at once.
            Backbone? backbone = null;
            try
            {
                var downloads = new DownloadProgressBar();
                var bar = new ProgressBar();
                var builder = new FloraBuilder(() =>
                {
                    downloads.Finish();
                    backbone = EngineFactory.CreateBackbone();
                    return new Trainer(new Embedder(backbone), new EmbeddingCache(cacheDir, backbone.Sha256), Console.Error);
                }, Console.Error);
                var result = await builder.BuildAsync(options, downloads, bar, handler: null, ct);
                bar.Finish();
                result.Save(outDir);
                Print(result, outDir);
                return ExitCodes.Ok;
            }
            finally
            {
                backbone?.Dispose();
            }
        }, ct));
        return command;
    }

    private static void Print(FloraBuildResult result, string outDir)
    {
        var r = result.Report;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"Model {result.Bundle.Manifest.Version} written to {outDir}");
        Console.WriteLine($"read: {r.OccurrencesRead} occurrences, {r.PhotosRead} multimedia rows; kept {r.OccurrencesKept} occurrences, {r.PhotosKept} photos");
        foreach (var left in r.LeftOut) Console.WriteLine($"left out: {left.Reason}: {left.Occurrences} occurrences, {left.Photos} photos");
        if (r.PhotosOverCap > 0) Console.WriteLine($"left out: over --max-images: {r.PhotosOverCap} photos");
        Console.WriteLine("downloads: " + string.Join(", ", r.Downloads.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")));
        if (r.DuplicatePhotos > 0) Console.WriteLine($"left out: same image as another photo: {r.DuplicatePhotos} photos");
        if (r.TooFew.Count > 0) Console.WriteLine($"left out: {r.TooFew.Count} species under --min-images ({r.TooFew.Sum(t => t.Photos)} photos)");
        Console.WriteLine($"flora: {r.Taxa} species; train {r.TrainOccurrences} occurrences / {r.TrainPhotos} photos; validation {r.ValidationOccurrences} occurrences / {r.ValidationPhotos} photos (split by occurrence); {r.VernacularNames} vernacular names");
        if (result.Bundle.Manifest.Validation is { } val)
        {
            var m = val.Identification;
            Console.WriteLine(string.Create(inv, $"validation: n={m.N} top1={m.Top1:F4} top5={m.Top5:F4} mrr={m.Mrr:F4} macroMrr={m.MacroMrr:F4} ece={m.Ece:F4} plantRejected={val.PlantRejected:F4} nonPlantAccepted={val.NonPlantAccepted:F4}"));
        }
        if (r.Citation.Doi is not null || r.Citation.Text is not null)
            Console.WriteLine($"cite: {r.Citation.Text ?? r.Citation.Doi}");
    }
}
