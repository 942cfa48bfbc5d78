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
        int rejected = 0, organOk = 0, outside = 0;
        for (var i = 0; i < plants.Images.Count; i++)
        {
            var label = plants.Images[i].Label;
            if (!allowed.Contains(label)) { outside++; continue; }
            var r = ScoreWithPolicy(bundle, plants.Views[i], have);
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
        };
    }

    /// <summary>The identification-time policy on precomputed views: first views, then extra ones if unsure.</summary>
    public static ImageScores ScoreWithPolicy(ModelBundle bundle, float[] views, int[] have)
    {
        var s = bundle.Manifest.Inference;
        var first = ImageScorer.Score(bundle, Trainer.Slice(views, s.Views, have));
        return ImageScorer.WantsExtraViews(first, s)
            ? ImageScorer.Score(bundle, Trainer.Slice(views, [.. s.Views, .. s.ExtraViews], have))
            : first;
    }
}
