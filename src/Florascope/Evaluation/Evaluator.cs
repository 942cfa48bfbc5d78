using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Identification;
using Florascope.Learning;
using Florascope.Taxonomy;
using Florascope.Training;

namespace Florascope.Evaluation;

/// <summary>Everything <c>florascope evaluate</c> reports.</summary>
public sealed record EvaluationReport
{
    public required EvaluationMetrics Metrics { get; init; }
    public required IReadOnlyList<ClassMetrics> PerTaxon { get; init; }
    public double PlantRejected { get; init; }
    public double? NonPlantAccepted { get; init; }
    public int NonPlants { get; init; }
    public double OrganAccuracy { get; init; }
    /// <summary>Photos left out because their taxon is not in the chosen project.</summary>
    public int OutsideProject { get; init; }
    /// <summary>Mean number of network passes per photo under the bundle's view policy.</summary>
    public double MeanPasses { get; init; }
}

/// <summary>
/// Scores labelled photos exactly as a one-photo identification would (same views, temperature,
/// extra-view policy, project restriction), from embeddings computed once per view.
/// </summary>
public static class Evaluator
{
    /// <summary>Every view the bundle's policy may run, first views first.</summary>
    public static int[] PolicyViews(InferenceSettings s) => [.. s.Views.Concat(s.ExtraViews).Distinct()];

    public static EvaluationReport Evaluate(ModelBundle bundle, EmbeddedSet plants, EmbeddedSet? nonPlants, string project = Checklist.AllProject)
    {
        var s = bundle.Manifest.Inference;
        var have = PolicyViews(s);
        var allowed = Enumerable.Range(0, bundle.Checklist.Taxa.Count).Where(i => bundle.Checklist.Taxa[i].InProject(project)).ToHashSet();
        var organLabels = bundle.Manifest.OrganLabels;
        var scores = new List<float[]>();
        var labels = new List<int>();
        int rejected = 0, organOk = 0, outside = 0, passes = 0;
        for (var i = 0; i < plants.Images.Count; i++)
        {
            var label = plants.Images[i].Label;
            if (!allowed.Contains(label)) { outside++; continue; }
            var r = ScoreWithPolicy(bundle, plants.Views[i], have, out var used);
            passes += used;
            scores.Add(Fusion.Restrict(Fusion.Combine([r.TaxonLogProbs], s.Fusion), allowed));
            labels.Add(label);
            if (r.PlantProbability < s.PlantThreshold) rejected++;
            if (organLabels.Length > 0 && organLabels[VectorMath.ArgMax(r.OrganProbs)] == bundle.Checklist.Taxa[label].DemoOrgan) organOk++;
        }
        var metrics = Metrics.Compute(scores, labels, out var perClass);
        double? accepted = null;
        if (nonPlants is { Images.Count: > 0 })
            accepted = (double)nonPlants.Views.Count(v => ScoreWithPolicy(bundle, v, have).PlantProbability >= s.PlantThreshold) / nonPlants.Images.Count;
        return new EvaluationReport
        {
            Metrics = metrics,
            PerTaxon = perClass,
            PlantRejected = labels.Count == 0 ? 0 : (double)rejected / labels.Count,
            NonPlantAccepted = accepted,
            NonPlants = nonPlants?.Images.Count ?? 0,
            OrganAccuracy = labels.Count == 0 ? 0 : (double)organOk / labels.Count,
            OutsideProject = outside,
            MeanPasses = labels.Count == 0 ? 0 : (double)passes / labels.Count,
        };
    }

    /// <summary>
    /// Multi-photo observations made from single photos: the photos of each taxon are shuffled
    /// (seeded) and cut into groups of <paramref name="photos"/>; each group is fused with
    /// <paramref name="rule"/>. Measures fusion rules against each other on real photos.
    /// </summary>
    public static EvaluationMetrics EvaluateObservations(ModelBundle bundle, EmbeddedSet plants, int photos, FusionRule rule,
        string project = Checklist.AllProject, int seed = 11)
    {
        var have = PolicyViews(bundle.Manifest.Inference);
        var allowed = Enumerable.Range(0, bundle.Checklist.Taxa.Count).Where(i => bundle.Checklist.Taxa[i].InProject(project)).ToHashSet();
        var perPhoto = plants.Views.Select(v => ScoreWithPolicy(bundle, v, have).TaxonLogProbs).ToArray();
        var rng = new Random(seed);
        var scores = new List<float[]>();
        var labels = new List<int>();
        foreach (var g in Enumerable.Range(0, plants.Images.Count).GroupBy(i => plants.Images[i].Label).Where(g => allowed.Contains(g.Key)).OrderBy(g => g.Key))
        {
            var idx = g.ToArray();
            rng.Shuffle(idx);
            for (var start = 0; start + photos <= idx.Length; start += photos)
            {
                scores.Add(Fusion.Restrict(Fusion.Combine([.. idx[start..(start + photos)].Select(i => perPhoto[i])], rule), allowed));
                labels.Add(g.Key);
            }
        }
        return Metrics.Compute(scores, labels);
    }

    /// <summary>The identification-time policy on precomputed views: first views, then extra ones if unsure.</summary>
    public static ImageScores ScoreWithPolicy(ModelBundle bundle, float[] views, int[] have) => ScoreWithPolicy(bundle, views, have, out _);

    public static ImageScores ScoreWithPolicy(ModelBundle bundle, float[] views, int[] have, out int passes)
    {
        var s = bundle.Manifest.Inference;
        var first = ImageScorer.Score(bundle, Trainer.Slice(views, s.Views, have));
        passes = s.Views.Length;
        if (!ImageScorer.WantsExtraViews(first, s)) return first;
        passes += s.ExtraViews.Length;
        return ImageScorer.Score(bundle, Trainer.Slice(views, [.. s.Views, .. s.ExtraViews], have));
    }
}
