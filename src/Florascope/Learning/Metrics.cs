namespace Florascope.Learning;

/// <summary>Identification quality over a set of queries, each a score per class and a true class.</summary>
public sealed record EvaluationMetrics
{
    public int N { get; init; }
    public double Top1 { get; init; }
    public double Top5 { get; init; }
    public double Mrr { get; init; }
    public double MacroTop1 { get; init; }
    public double MacroTop5 { get; init; }
    public double MacroMrr { get; init; }
    public double Ece { get; init; }
}

/// <summary>Per-class figures, for the per-taxon table.</summary>
public sealed record ClassMetrics(int Label, int N, double Top1, double Top5, double Mrr);

public static class Metrics
{
    /// <summary>1-based rank of the true class: 1 + number of classes scored strictly higher.</summary>
    public static int RankOf(ReadOnlySpan<float> scores, int label)
    {
        var rank = 1;
        var s = scores[label];
        for (var i = 0; i < scores.Length; i++) if (scores[i] > s) rank++;
        return rank;
    }

    public static EvaluationMetrics Compute(IReadOnlyList<float[]> scores, IReadOnlyList<int> labels, int eceBins = 15) =>
        Compute(scores, labels, out _, eceBins);

    public static EvaluationMetrics Compute(IReadOnlyList<float[]> scores, IReadOnlyList<int> labels, out List<ClassMetrics> perClass, int eceBins = 15)
    {
        var n = scores.Count;
        perClass = [];
        if (n == 0) return new EvaluationMetrics();
        var ranks = new int[n];
        for (var i = 0; i < n; i++) ranks[i] = RankOf(scores[i], labels[i]);

        foreach (var g in Enumerable.Range(0, n).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var idx = g.ToList();
            perClass.Add(new ClassMetrics(g.Key, idx.Count,
                idx.Average(i => ranks[i] == 1 ? 1.0 : 0.0),
                idx.Average(i => ranks[i] <= 5 ? 1.0 : 0.0),
                idx.Average(i => 1.0 / ranks[i])));
        }
        return new EvaluationMetrics
        {
            N = n,
            Top1 = ranks.Average(r => r == 1 ? 1.0 : 0.0),
            Top5 = ranks.Average(r => r <= 5 ? 1.0 : 0.0),
            Mrr = ranks.Average(r => 1.0 / r),
            MacroTop1 = perClass.Average(c => c.Top1),
            MacroTop5 = perClass.Average(c => c.Top5),
            MacroMrr = perClass.Average(c => c.Mrr),
            Ece = ExpectedCalibrationError(scores, labels, eceBins),
        };
    }

    /// <summary>
    /// ECE over equal-width bins of the top score: sum over bins of |bin| / N x |accuracy - mean confidence|.
    /// A top score that ties between classes counts as the lowest class index (argmax).
    /// </summary>
    public static double ExpectedCalibrationError(IReadOnlyList<float[]> scores, IReadOnlyList<int> labels, int bins = 15)
    {
        var n = scores.Count;
        if (n == 0) return 0;
        var conf = new double[bins];
        var correct = new double[bins];
        var count = new int[bins];
        for (var i = 0; i < n; i++)
        {
            var best = VectorMath.ArgMax(scores[i]);
            var c = scores[i][best];
            var b = Math.Clamp((int)(c * bins), 0, bins - 1);
            conf[b] += c;
            correct[b] += best == labels[i] ? 1 : 0;
            count[b]++;
        }
        var ece = 0.0;
        for (var b = 0; b < bins; b++)
            if (count[b] > 0) ece += Math.Abs(correct[b] - conf[b]) / n;
        return ece;
    }
}
