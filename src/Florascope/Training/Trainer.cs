using System.Diagnostics;
using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Evaluation;
using Florascope.Identification;
using Florascope.Learning;
using Florascope.Taxonomy;

namespace Florascope.Training;

public sealed record TrainOptions
{
    public required string TrainDir { get; init; }
    public string? ValDir { get; init; }
    public required string NonPlantsDir { get; init; }
    public required string ChecklistPath { get; init; }
    /// <summary>Root that reference-image paths are stored relative to (the data/ folder).</summary>
    public string? DataRoot { get; init; }
    /// <summary>Views of each training photo used as extra samples (augmentation).</summary>
    public int[] TrainViews { get; init; } = [0, 1, 2, 3, 4, 5, 6, 7];
    public InferenceSettings Inference { get; init; } = new();
    /// <summary>Chosen on a development split of train (docs/model.md): weak L2, enough epochs to converge.</summary>
    public HeadTraining TaxonHead { get; init; } = new() { L2 = 1e-6f, Epochs = 30, LearningRate = 0.05f };
    public HeadTraining SmallHeads { get; init; } = new() { L2 = 1e-5f, Epochs = 20, LearningRate = 0.05f };
    /// <summary>Folds of the cross-validation that chooses the plant threshold on the training photos.</summary>
    public int PlantThresholdFolds { get; init; } = 5;
    /// <summary>Use at most this many training photos per taxon (0 = all); for quick tests.</summary>
    public int MaxPerTaxon { get; init; }
    public string Version { get; init; } = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"florascope-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
    /// <summary>
    /// More training photos (absolute paths, checklist labels): the photos of valid observations.
    /// They train the heads; the reference index keeps only the base data's published photos.
    /// </summary>
    public IReadOnlyList<LabelledImage> ExtraTrain { get; init; } = [];

    // Photos chosen elsewhere (a flora built from a GBIF download) instead of folders: the taxa,
    // the photos of each side, each photo's credit, and where the bundle keeps its reference photos.
    /// <summary>The taxa, when not read from <see cref="ChecklistPath"/>.</summary>
    public Checklist? Taxa { get; init; }
    /// <summary>Training photos, when not read from <see cref="TrainDir"/>.</summary>
    public IReadOnlyList<LabelledImage>? TrainImages { get; init; }
    /// <summary>Validation photos, when not read from <see cref="ValDir"/>.</summary>
    public IReadOnlyList<LabelledImage>? ValImages { get; init; }
    /// <summary>Credits of reference photos, by full path.</summary>
    public IReadOnlyDictionary<string, ReferenceCredit>? Credits { get; init; }
    /// <summary>With <see cref="ReferencePhotoRoot.Bundle"/>, reference paths are "photos/" + the path under <see cref="DataRoot"/>.</summary>
    public ReferencePhotoRoot ReferencePhotos { get; init; } = ReferencePhotoRoot.DataDirectory;
    public DataSource? Source { get; init; }
    /// <summary>What the manifest says the photos were (default: the folders, relative to the data root).</summary>
    public string? DataDescription { get; init; }
}

/// <summary>Embedded photos with their labels: the input of the heads.</summary>
public sealed record EmbeddedSet(List<LabelledImage> Images, float[][] Views, int ViewCount);

/// <summary>Builds a model bundle from image folders: embeddings (cached), heads, calibration, references.</summary>
public sealed class Trainer(Embedder embedder, EmbeddingCache? cache, TextWriter log)
{
    public ModelBundle Train(TrainOptions o, IProgress<(string Stage, int Done, int Total)>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var checklist = o.Taxa ?? Checklist.Load(o.ChecklistPath);
        var train = o.TrainImages?.ToList() ?? ImageDataset.LoadTaxonFolders(o.TrainDir, checklist);
        if (o.MaxPerTaxon > 0) train = [.. train.GroupBy(i => i.Label).SelectMany(g => g.Take(o.MaxPerTaxon))];
        var val = o.ValImages?.ToList() ?? (o.ValDir is null ? [] : ImageDataset.LoadTaxonFolders(o.ValDir, checklist));
        var nonPlants = ImageDataset.LoadFlat(Path.Combine(o.NonPlantsDir, "train"), -1);
        var nonPlantsVal = Directory.Exists(Path.Combine(o.NonPlantsDir, "val")) ? ImageDataset.LoadFlat(Path.Combine(o.NonPlantsDir, "val"), -1) : [];
        var inferViews = Evaluator.PolicyViews(o.Inference);

        EmbeddedSet Embed(string stage, List<LabelledImage> items, int[] views)
        {
            var p = new SyncProgress<(int Done, int Total)>(d => progress?.Report((stage, d.Done, d.Total)));
            return new EmbeddedSet(items, EmbeddingExtractor.Extract(embedder, cache, items.Select(i => i.Path).ToList(), views, p), views.Length);
        }

        var baseCount = train.Count;
        foreach (var extra in o.ExtraTrain)
            if (extra.Label < 0 || extra.Label >= checklist.Taxa.Count) throw new ArgumentException($"Extra training photo {extra.Path} has no taxon of the checklist.");
        var trainSet = Embed("embed train", [.. train, .. o.ExtraTrain], o.TrainViews);
        var nonPlantSet = Embed("embed non-plants", nonPlants, o.TrainViews);
        var valSet = Embed("embed val", val, inferViews);
        var nonPlantValSet = Embed("embed non-plants val", nonPlantsVal, inferViews);
        log.WriteLine($"Embeddings ready in {clock.Elapsed.TotalSeconds:F1} s ({cache?.Count ?? 0} cached).");

        var headClock = Stopwatch.StartNew();
        var heads = TrainHeads(checklist, trainSet, nonPlantSet, o, progress);
        log.WriteLine($"Heads trained in {headClock.Elapsed.TotalSeconds:F1} s.");

        var inference = o.Inference;
        if (o.PlantThresholdFolds > 1)
        {
            var (weight, threshold) = ChoosePlantRule(trainSet, nonPlantSet, o, inference.PlantKnnK, progress);
            inference = inference with { PlantThreshold = threshold, PlantKnnWeight = weight };
            log.WriteLine($"Plant rule: neighbour weight {weight}, threshold {threshold:F3} ({o.PlantThresholdFolds}-fold cross-validation on the training photos).");
        }

        // Temperature: fit on validation photos scored exactly as at identification time.
        if (val.Count > 0)
        {
            var valLogits = valSet.Views.Select(v => ImageScorer.Score(heads, 1.0, Slice(v, o.Inference.Views, inferViews)).TaxonLogProbs).ToList();
            var t = Calibration.FitTemperature(valLogits, val.Select(i => i.Label).ToList());
            inference = inference with { Temperature = t };
            log.WriteLine($"Temperature {t:F3} (validation NLL {Calibration.NegativeLogLikelihood(valLogits, val.Select(i => i.Label).ToList(), 1):F4} -> {Calibration.NegativeLogLikelihood(valLogits, val.Select(i => i.Label).ToList(), t):F4}).");
        }

        var dataRoot = o.DataRoot ?? CommonRoot(o.TrainDir, o.NonPlantsDir);
        var baseSet = new EmbeddedSet(trainSet.Images[..baseCount], trainSet.Views[..baseCount], trainSet.ViewCount);
        var refs = BuildReferences(baseSet, nonPlantSet, dataRoot, checklist.Taxa.Count, o.Credits, o.ReferencePhotos);
        var organLabels = OrganLabels(checklist);
        var manifest = new BundleManifest
        {
            Version = o.Version,
            CreatedUtc = DateTimeOffset.UtcNow,
            Backbone = new BackboneInfo { Sha256 = embedder.Backbone.Sha256 },
            Inference = inference,
            OrganLabels = organLabels,
            Training = new TrainingSummary
            {
                Taxa = checklist.Taxa.Count,
                TrainImages = train.Count,
                ObservationImages = o.ExtraTrain.Count,
                ValidationImages = val.Count,
                NonPlantTrainImages = nonPlants.Count,
                NonPlantValidationImages = nonPlantsVal.Count,
                TrainViews = o.TrainViews,
                Checklist = o.Taxa is null ? Path.GetFileName(o.ChecklistPath) : "checklist.tsv",
                Data = o.DataDescription ?? string.Join(", ", new[] { o.TrainDir, o.ValDir, o.NonPlantsDir }.Where(d => d is not null).Select(d => Path.GetRelativePath(dataRoot, d!))),
                Settings = new()
                {
                    ["taxonEpochs"] = o.TaxonHead.Epochs,
                    ["taxonL2"] = o.TaxonHead.L2,
                    ["taxonLearningRate"] = o.TaxonHead.LearningRate,
                    ["maxPerTaxon"] = o.MaxPerTaxon,
                },
            },
            ReferencePhotos = o.ReferencePhotos,
            Source = o.Source,
        };
        var bundle = new ModelBundle(manifest, checklist, heads, refs);
        if (val.Count > 0)
        {
            var report = Evaluator.Evaluate(bundle, valSet, nonPlantValSet);
            var validation = new ValidationSummary
            {
                Identification = report.Metrics,
                PlantRejected = report.PlantRejected,
                NonPlantAccepted = report.NonPlantAccepted ?? 0,
                OrganAccuracy = report.OrganAccuracy,
            };
            bundle = new ModelBundle(manifest with { Validation = validation }, checklist, heads, refs);
        }
        // Every photo the model learnt or was calibrated from, and the ones it was validated on: a challenge's test
        // photos must be none of them (Challenges.ModelExposure).
        var seen = Challenges.ModelExposure.Hashes(train.Concat(o.ExtraTrain).Concat(val).Concat(nonPlants).Concat(nonPlantsVal).Select(i => i.Path));
        bundle = new ModelBundle(bundle.Manifest, checklist, heads, refs) { Seen = seen };
        log.WriteLine($"Training done in {clock.Elapsed.TotalSeconds:F1} s.");
        return bundle;
    }

    /// <summary>Where a reference photo kept in the bundle lives, from its path under the data root.</summary>
    public static string BundlePhotoPath(string relative) => "photos/" + relative;

    /// <summary>The deepest folder holding both the plant and the non-plant photos (the data/ folder).</summary>
    internal static string CommonRoot(string a, string b)
    {
        var pa = Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar).Split(Path.DirectorySeparatorChar);
        var pb = Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar).Split(Path.DirectorySeparatorChar);
        var n = 0;
        while (n < pa.Length && n < pb.Length && pa[n] == pb[n]) n++;
        var root = string.Join(Path.DirectorySeparatorChar, pa[..n]);
        return root.Length == 0 ? Path.DirectorySeparatorChar.ToString() : root;
    }

    /// <summary>The columns of <paramref name="wanted"/> views out of embeddings computed for <paramref name="have"/>.</summary>
    public static float[] Slice(float[] views, int[] wanted, int[] have)
    {
        var result = new float[wanted.Length * Backbone.Dim];
        for (var i = 0; i < wanted.Length; i++)
            Array.Copy(views, Array.IndexOf(have, wanted[i]) * Backbone.Dim, result, i * Backbone.Dim, Backbone.Dim);
        return result;
    }

    public static string[] OrganLabels(Checklist checklist) =>
        [.. checklist.Taxa.Select(t => t.DemoOrgan).Where(o => o.Length > 0).Distinct().Order(StringComparer.Ordinal)];

    public static HeadSet TrainHeads(Checklist checklist, EmbeddedSet train, EmbeddedSet nonPlants, TrainOptions o,
        IProgress<(string Stage, int Done, int Total)>? progress = null)
    {
        var organLabels = OrganLabels(checklist);
        var x = new List<float[]>();
        var y = new List<int>();
        var organ = new List<int>();
        for (var i = 0; i < train.Images.Count; i++)
        {
            for (var v = 0; v < train.ViewCount; v++)
            {
                x.Add(FeatureTransform.Applied(train.Views[i].AsSpan(v * Backbone.Dim, Backbone.Dim)));
                y.Add(train.Images[i].Label);
                organ.Add(Math.Max(0, Array.IndexOf(organLabels, checklist.Taxa[train.Images[i].Label].DemoOrgan)));
            }
        }
        var taxon = SoftmaxHead.Train(x, y, checklist.Taxa.Count, o.TaxonHead,
            new SyncProgress<(int Epoch, int Epochs)>(e => progress?.Report(("taxon head", e.Epoch, e.Epochs))));
        var organHead = SoftmaxHead.Train(x, organ, Math.Max(1, organLabels.Length), o.SmallHeads,
            new SyncProgress<(int Epoch, int Epochs)>(e => progress?.Report(("organ head", e.Epoch, e.Epochs))));

        var (px, py) = PlantSamples(train, nonPlants, _ => true);
        var plant = SoftmaxHead.Train(px, py, 2, o.SmallHeads,
            new SyncProgress<(int Epoch, int Epochs)>(e => progress?.Report(("plant head", e.Epoch, e.Epochs))));
        return new HeadSet(taxon, organHead, plant);
    }

    /// <summary>Candidate weights of the nearest-neighbour margin in the plant score.</summary>
    public static readonly float[] PlantKnnWeights = [0, 10, 25, 50, 100];

    /// <summary>
    /// Chooses the plant rule by cross-validation on the training photos, so that validation photos
    /// stay untouched for reporting: out-of-fold plant-head probabilities and nearest-neighbour
    /// margins (against the other folds' photos), then the margin weight and threshold with the
    /// lowest sum of error rates (plants rejected + non-plants accepted).
    /// </summary>
    private static (float Weight, float Threshold) ChoosePlantRule(EmbeddedSet plants, EmbeddedSet nonPlants, TrainOptions o, int knnK,
        IProgress<(string Stage, int Done, int Total)>? progress)
    {
        var k = o.PlantThresholdFolds;
        var pos = new List<(float P, float Margin)>();
        var neg = new List<(float P, float Margin)>();
        var first = o.Inference.Views.Select(v => Array.IndexOf(o.TrainViews, v)).Where(i => i >= 0).DefaultIfEmpty(0).ToArray();
        var plantRefs = plants.Views.Select(v => FeatureTransform.Applied(v.AsSpan(0, Backbone.Dim))).ToArray();
        var otherRefs = nonPlants.Views.Select(v => FeatureTransform.Applied(v.AsSpan(0, Backbone.Dim))).ToArray();
        var rows = plantRefs.Concat(otherRefs).SelectMany(r => r).ToArray();
        for (var fold = 0; fold < k; fold++)
        {
            var (x, y) = PlantSamples(plants, nonPlants, i => i % k != fold);
            var head = SoftmaxHead.Train(x, y, 2, o.SmallHeads);
            int[] Outside(int offset, int count) => [.. Enumerable.Range(0, count).Where(i => i % k != fold).Select(i => offset + i)];
            var plantIdx = Outside(0, plantRefs.Length);
            var otherIdx = Outside(plantRefs.Length, otherRefs.Length);
            foreach (var (set, into) in new[] { (plants, pos), (nonPlants, neg) })
                for (var i = fold; i < set.Images.Count; i += k)
                {
                    var (p, query) = PlantProbability(head, set.Views[i], first);
                    var margin = Similarity.MeanTopK(query, rows, Backbone.Dim, plantIdx, knnK) - Similarity.MeanTopK(query, rows, Backbone.Dim, otherIdx, knnK);
                    into.Add((p, margin));
                }
            progress?.Report(("plant rule", fold + 1, k));
        }
        var best = (Weight: 0f, Threshold: 0.5f, Error: double.MaxValue);
        foreach (var w in PlantKnnWeights)
        {
            var ps = pos.Select(r => ImageScorer.PlantScore(r.P, r.Margin, w)).ToList();
            var ns = neg.Select(r => ImageScorer.PlantScore(r.P, r.Margin, w)).ToList();
            var t = Thresholds.BalancedError(ps, ns);
            var error = (double)ps.Count(v => v < t) / ps.Count + (double)ns.Count(v => v >= t) / ns.Count;
            if (error < best.Error) best = (w, t, error);
        }
        return (best.Weight, best.Threshold);
    }

    /// <summary>Plant probability and normalised mean embedding over the given view columns, as at identification time.</summary>
    private static (float P, float[] Embedding) PlantProbability(SoftmaxHead head, float[] views, int[] columns)
    {
        var mean = new float[head.Classes];
        var embedding = new float[Backbone.Dim];
        foreach (var c in columns)
        {
            var x = FeatureTransform.Applied(views.AsSpan(c * Backbone.Dim, Backbone.Dim));
            VectorMath.AddScaled(embedding, x, 1f / columns.Length);
            var z = head.Logits(x);
            for (var j = 0; j < z.Length; j++) mean[j] += z[j] / columns.Length;
        }
        VectorMath.Softmax(mean);
        var norm = MathF.Sqrt(VectorMath.Dot(embedding, embedding));
        if (norm > 0) for (var i = 0; i < embedding.Length; i++) embedding[i] /= norm;
        return (mean[1], embedding);
    }

    private static (List<float[]> X, List<int> Y) PlantSamples(EmbeddedSet plants, EmbeddedSet nonPlants, Func<int, bool> keep)
    {
        var x = new List<float[]>();
        var y = new List<int>();
        foreach (var (set, label) in new[] { (plants, 1), (nonPlants, 0) })
            for (var i = 0; i < set.Images.Count; i++)
            {
                if (!keep(i)) continue;
                for (var v = 0; v < set.ViewCount; v++)
                {
                    x.Add(FeatureTransform.Applied(set.Views[i].AsSpan(v * Backbone.Dim, Backbone.Dim)));
                    y.Add(label);
                }
            }
        return (x, y);
    }

    /// <summary>View 0 of every training photo, plants with their taxon and non-plants with -1.</summary>
    private static ReferenceIndex BuildReferences(EmbeddedSet train, EmbeddedSet nonPlants, string dataRoot, int classes,
        IReadOnlyDictionary<string, ReferenceCredit>? credits, ReferencePhotoRoot root)
    {
        string PathOf(LabelledImage image)
        {
            var relative = Path.GetRelativePath(dataRoot, image.Path).Replace('\\', '/');
            // Only plant photos are served; non-plant references are vectors for the rejection.
            return root == ReferencePhotoRoot.Bundle && image.Label >= 0 ? BundlePhotoPath(relative) : relative;
        }
        var images = new List<ReferenceImage>();
        var vectors = new List<float>();
        foreach (var set in new[] { train, nonPlants })
            for (var i = 0; i < set.Images.Count; i++)
            {
                images.Add(new ReferenceImage(PathOf(set.Images[i]), set.Images[i].Label, credits?.GetValueOrDefault(Path.GetFullPath(set.Images[i].Path))));
                vectors.AddRange(FeatureTransform.Applied(set.Views[i].AsSpan(0, Backbone.Dim)));
            }
        return new ReferenceIndex(images, [.. vectors], Backbone.Dim, classes);
    }
}
