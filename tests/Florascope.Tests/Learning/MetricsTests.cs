using Florascope.Learning;

namespace Florascope.Tests.Learning;

public sealed class MetricsTests
{
    private const double Eps = 1e-9;

    [Fact]
    public void RankCountsOnlyStrictlyHigherScores()
    {
        float[] scores = [0.1f, 0.4f, 0.2f, 0.3f];
        Assert.Equal(1, Metrics.RankOf(scores, 1));
        Assert.Equal(2, Metrics.RankOf(scores, 3));
        Assert.Equal(3, Metrics.RankOf(scores, 2));
        Assert.Equal(4, Metrics.RankOf(scores, 0));
        // Ties go in favour of the true class.
        float[] tied = [0.3f, 0.3f, 0.4f];
        Assert.Equal(2, Metrics.RankOf(tied, 0));
        Assert.Equal(2, Metrics.RankOf(tied, 1));
    }

    /// <summary>A row over 7 classes where <paramref name="label"/> comes at <paramref name="rank"/>.</summary>
    private static float[] RowWithRank(int label, int rank)
    {
        var row = new float[7];
        // The classes other than the label take scores 7, 6, 5...; the label slots in after rank - 1 of them.
        var others = Enumerable.Range(0, 7).Where(c => c != label).ToList();
        for (var k = 0; k < others.Count; k++) row[others[k]] = 7 - k;
        row[label] = 7 - (rank - 1) + 0.5f;
        return row;
    }

    [Fact]
    public void ComputeGivesMicroAndMacroAverages()
    {
        // Class 0 has three queries at ranks 1, 2, 6; class 1 has one at rank 1.
        //   micro: top1 = 2/4, top5 = 3/4, MRR = (1 + 1/2 + 1/6 + 1) / 4 = 2/3
        //   class 0: top1 = 1/3, top5 = 2/3, MRR = (1 + 1/2 + 1/6) / 3 = 5/9; class 1: all 1
        //   macro: top1 = (1/3 + 1) / 2 = 2/3, top5 = (2/3 + 1) / 2 = 5/6, MRR = (5/9 + 1) / 2 = 7/9
        List<float[]> scores = [RowWithRank(0, 1), RowWithRank(0, 2), RowWithRank(0, 6), RowWithRank(1, 1)];
        List<int> labels = [0, 0, 0, 1];
        Assert.Equal([1, 2, 6, 1], scores.Select((s, i) => Metrics.RankOf(s, labels[i])));

        var m = Metrics.Compute(scores, labels, out var perClass);

        Assert.Equal(4, m.N);
        Assert.Equal(0.5, m.Top1, Eps);
        Assert.Equal(0.75, m.Top5, Eps);
        Assert.Equal(2.0 / 3, m.Mrr, Eps);
        Assert.Equal(2.0 / 3, m.MacroTop1, Eps);
        Assert.Equal(5.0 / 6, m.MacroTop5, Eps);
        Assert.Equal(7.0 / 9, m.MacroMrr, Eps);

        Assert.Equal(2, perClass.Count);
        Assert.Equal(new ClassMetrics(0, 3, 1.0 / 3, 2.0 / 3, 5.0 / 9), perClass[0], new ClassMetricsComparer());
        Assert.Equal(new ClassMetrics(1, 1, 1, 1, 1), perClass[1], new ClassMetricsComparer());
    }

    [Fact]
    public void ComputeOnNothingIsEmpty()
    {
        var m = Metrics.Compute([], [], out var perClass);
        Assert.Equal(0, m.N);
        Assert.Empty(perClass);
        Assert.Equal(0, Metrics.ExpectedCalibrationError([], []));
    }

    [Fact]
    public void ExpectedCalibrationErrorByHand()
    {
        // 10 bins. Top scores and outcomes:
        //   0.95 correct -> bin 9: |1 - 0.95| = 0.05,  weight 1/4
        //   0.85 wrong   -> bin 8: |0 - 0.85| = 0.85,  weight 1/4
        //   0.65 correct -> bin 6 } accuracy 1/2, mean confidence 0.635: |0.5 - 0.635| = 0.135, weight 2/4
        //   0.62 wrong   -> bin 6 }
        //   ECE = 0.05/4 + 0.85/4 + 0.135/2 = 0.0125 + 0.2125 + 0.0675 = 0.2925
        List<float[]> scores =
        [
            [0.95f, 0.03f, 0.02f],
            [0.10f, 0.85f, 0.05f],
            [0.20f, 0.15f, 0.65f],
            [0.62f, 0.30f, 0.08f],
        ];
        List<int> labels = [0, 0, 2, 1];
        Assert.Equal(0.2925, Metrics.ExpectedCalibrationError(scores, labels, bins: 10), 1e-6);
    }

    [Fact]
    public void ExpectedCalibrationErrorIsZeroWhenConfidenceMatchesAccuracy()
    {
        // A top score of exactly 1 falls in the last bin (clamped); 0.5 confident, right half the time.
        List<float[]> scores = [[1f, 0f], [0.5f, 0.5f], [0.5f, 0.5f]];
        List<int> labels = [0, 0, 1];
        Assert.Equal(0, Metrics.ExpectedCalibrationError(scores, labels), 1e-9);
    }

    [Fact]
    public void ComputeUsesTheEceOfItsScores()
    {
        List<float[]> scores = [[0.9f, 0.1f], [0.8f, 0.2f], [0.3f, 0.7f]];
        List<int> labels = [0, 1, 1];
        Assert.Equal(Metrics.ExpectedCalibrationError(scores, labels), Metrics.Compute(scores, labels).Ece, Eps);
    }

    private sealed class ClassMetricsComparer : IEqualityComparer<ClassMetrics>
    {
        public bool Equals(ClassMetrics? x, ClassMetrics? y) =>
            x is not null && y is not null && x.Label == y.Label && x.N == y.N
            && Math.Abs(x.Top1 - y.Top1) < Eps && Math.Abs(x.Top5 - y.Top5) < Eps && Math.Abs(x.Mrr - y.Mrr) < Eps;

        public int GetHashCode(ClassMetrics obj) => HashCode.Combine(obj.Label, obj.N);
    }
}
