namespace Florascope.Learning;

/// <summary>How the scores of several photos of one plant become one list.</summary>
public enum FusionRule
{
    /// <summary>Arithmetic mean of the per-photo probabilities ("plain averaging", the baseline).</summary>
    MeanProbability,
    /// <summary>Normalised geometric mean: softmax of the mean per-photo log-probability.</summary>
    GeometricMean,
    /// <summary>Product of the per-photo probabilities (independent evidence, uniform prior).</summary>
    Product,
}

/// <summary>Pure functions that combine per-photo scores and restrict them to a flora.</summary>
public static class Fusion
{
    /// <summary>
    /// Combines per-photo log-probabilities (each a row over the same classes) into probabilities.
    /// </summary>
    public static float[] Combine(IReadOnlyList<float[]> logProbs, FusionRule rule)
    {
        if (logProbs.Count == 0) throw new ArgumentException("Nothing to fuse.", nameof(logProbs));
        var k = logProbs[0].Length;
        var fused = new float[k];
        if (rule == FusionRule.MeanProbability)
        {
            foreach (var row in logProbs)
                for (var c = 0; c < k; c++) fused[c] += MathF.Exp(row[c]) / logProbs.Count;
            return Normalize(fused);
        }
        var scale = rule == FusionRule.GeometricMean ? 1f / logProbs.Count : 1f;
        foreach (var row in logProbs)
            for (var c = 0; c < k; c++) fused[c] += row[c] * scale;
        VectorMath.Softmax(fused);
        return fused;
    }

    /// <summary>
    /// Keeps the classes of a flora and renormalises over them, so that the scores still sum to 1
    /// ("what is it, given it is one of these?"). Classes outside get 0.
    /// </summary>
    public static float[] Restrict(ReadOnlySpan<float> probs, IReadOnlySet<int> allowed)
    {
        var result = new float[probs.Length];
        var sum = 0f;
        foreach (var c in allowed) sum += probs[c];
        if (sum <= 0) return result;
        foreach (var c in allowed) result[c] = probs[c] / sum;
        return result;
    }

    private static float[] Normalize(float[] v)
    {
        var s = v.Sum();
        if (s > 0) for (var i = 0; i < v.Length; i++) v[i] /= s;
        return v;
    }
}
