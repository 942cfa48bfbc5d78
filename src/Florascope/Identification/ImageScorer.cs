using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Learning;

namespace Florascope.Identification;

/// <summary>What the heads say about one photo.</summary>
public sealed record ImageScores(float[] TaxonLogProbs, float[] OrganProbs, float PlantProbability, float[] Embedding);

/// <summary>
/// Applies a bundle's heads to the raw embeddings of one photo's views: each view is normalised,
/// the logits are averaged over views (test-time augmentation), then the temperature is applied.
/// </summary>
public static class ImageScorer
{
    public static ImageScores Score(HeadSet heads, double temperature, ReadOnlySpan<float> rawViews)
    {
        var views = rawViews.Length / Backbone.Dim;
        var taxon = new float[heads.Taxon.Classes];
        var organ = new float[heads.Organ.Classes];
        var plant = new float[heads.Plant.Classes];
        var mean = new float[Backbone.Dim];
        var x = new float[Backbone.Dim];
        var z = new float[Math.Max(taxon.Length, Math.Max(organ.Length, plant.Length))];
        for (var v = 0; v < views; v++)
        {
            rawViews.Slice(v * Backbone.Dim, Backbone.Dim).CopyTo(x);
            FeatureTransform.Apply(x);
            VectorMath.AddScaled(mean, x, 1f / views);
            Accumulate(heads.Taxon, x, z, taxon, views);
            Accumulate(heads.Organ, x, z, organ, views);
            Accumulate(heads.Plant, x, z, plant, views);
        }
        for (var c = 0; c < taxon.Length; c++) taxon[c] = (float)(taxon[c] / temperature);
        VectorMath.LogSoftmax(taxon);
        VectorMath.Softmax(organ);
        VectorMath.Softmax(plant);
        // The mean of unit vectors is re-normalised so cosine similarity stays a dot product.
        var norm = MathF.Sqrt(VectorMath.Dot(mean, mean));
        if (norm > 0) for (var i = 0; i < mean.Length; i++) mean[i] /= norm;
        return new ImageScores(taxon, organ, plant[1], mean);
    }

    /// <summary>
    /// Scores one photo with everything the bundle has: the heads, the temperature, and the
    /// nearest-neighbour margin folded into the plant score.
    /// </summary>
    public static ImageScores Score(ModelBundle bundle, ReadOnlySpan<float> rawViews)
    {
        var s = bundle.Manifest.Inference;
        var scores = Score(bundle.Heads, s.Temperature, rawViews);
        return s.PlantKnnWeight == 0 ? scores
            : scores with { PlantProbability = PlantScore(scores.PlantProbability, bundle.References.PlantMargin(scores.Embedding, s.PlantKnnK), s.PlantKnnWeight) };
    }

    public static float PlantScore(float headProbability, float margin, float weight)
    {
        var p = Math.Clamp(headProbability, 1e-7f, 1 - 1e-7f);
        var z = MathF.Log(p / (1 - p)) + weight * margin;
        return 1 / (1 + MathF.Exp(-z));
    }

    /// <summary>Whether a photo's first views leave it unsure enough to run the extra views.</summary>
    public static bool WantsExtraViews(ImageScores first, InferenceSettings s) =>
        s.ExtraViews.Length > 0 && MathF.Exp(first.TaxonLogProbs.Max()) < s.ExtraViewsBelow;

    private static void Accumulate(SoftmaxHead head, ReadOnlySpan<float> x, float[] z, float[] sum, int views)
    {
        var zs = z.AsSpan(0, head.Classes);
        head.Logits(x, zs);
        for (var c = 0; c < head.Classes; c++) sum[c] += zs[c] / views;
    }
}
