using Florascope.Learning;

namespace Florascope.Tests.Learning;

public sealed class SoftmaxHeadTests
{
    private const int Dim = 16;

    /// <summary>Class centres: the first three axes scaled by <paramref name="spread"/>.</summary>
    private static float[][] Centres(float spread) =>
        [.. Enumerable.Range(0, 3).Select(c => { var m = new float[Dim]; m[c] = spread; return m; })];

    /// <summary>Points drawn around each centre with unit Gaussian noise, <paramref name="counts"/>[c] per class.</summary>
    private static (List<float[]> X, List<int> Y) Blobs(float[][] centres, int[] counts, int seed)
    {
        var rng = new Random(seed);
        var x = new List<float[]>();
        var y = new List<int>();
        for (var c = 0; c < centres.Length; c++)
            for (var i = 0; i < counts[c]; i++)
            {
                var v = new float[Dim];
                for (var d = 0; d < Dim; d++) v[d] = centres[c][d] + (float)Gaussian(rng);
                x.Add(v);
                y.Add(c);
            }
        return (x, y);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static double Recall(SoftmaxHead head, List<float[]> x, List<int> y, int label)
    {
        var idx = Enumerable.Range(0, x.Count).Where(i => y[i] == label).ToList();
        return idx.Count(i => VectorMath.ArgMax(head.Logits(x[i])) == label) / (double)idx.Count;
    }

    private static double Accuracy(SoftmaxHead head, List<float[]> x, List<int> y) =>
        Enumerable.Range(0, x.Count).Count(i => VectorMath.ArgMax(head.Logits(x[i])) == y[i]) / (double)x.Count;

    [Fact]
    public void SeparableBlobsAreLearnedPerfectly()
    {
        // Centres 8 apart with unit noise: no point is within reach of another class.
        var (x, y) = Blobs(Centres(8), [100, 100, 100], seed: 1);
        var head = SoftmaxHead.Train(x, y, 3);

        Assert.Equal(3, head.Classes);
        Assert.Equal(Dim, head.Dim);
        Assert.Equal(3 * Dim, head.Weights.Length);
        Assert.Equal(1.0, Accuracy(head, x, y));
        var (testX, testY) = Blobs(Centres(8), [100, 100, 100], seed: 2);
        Assert.True(Accuracy(head, testX, testY) >= 0.99);
    }

    [Fact]
    public void TrainingIsDeterministicForASeed()
    {
        var (x, y) = Blobs(Centres(4), [50, 50, 50], seed: 3);
        var settings = new HeadTraining { Epochs = 5 };
        var a = SoftmaxHead.Train(x, y, 3, settings);
        var b = SoftmaxHead.Train(x, y, 3, settings);
        Assert.Equal(a.Weights, b.Weights);
        Assert.Equal(a.Bias, b.Bias);
    }

    [Fact]
    public void ARareClassIsStillRecalledWithClassBalancing()
    {
        // Overlapping blobs, class 2 ten times rarer. Unweighted cross-entropy pulls the boundary into
        // the rare class; the N / (C x n_class) weights should keep it recalled like the others.
        var centres = Centres(2.5f);
        int[] counts = [400, 400, 40];
        var (x, y) = Blobs(centres, counts, seed: 4);
        var (testX, testY) = Blobs(centres, [600, 600, 600], seed: 5);

        var balanced = SoftmaxHead.Train(x, y, 3, new HeadTraining { ClassBalanced = true });
        var plain = SoftmaxHead.Train(x, y, 3, new HeadTraining { ClassBalanced = false });

        var rareBalanced = Recall(balanced, testX, testY, 2);
        var rarePlain = Recall(plain, testX, testY, 2);
        Assert.True(rareBalanced >= 0.75, $"rare class recall {rareBalanced:F3} with balancing");
        Assert.True(rareBalanced > rarePlain + 0.05, $"balancing should help the rare class: {rareBalanced:F3} vs {rarePlain:F3}");
    }

    [Fact]
    public void ClassesWithoutSamplesAreNeverPredictedForTrainingData()
    {
        // 4 classes declared, class 3 has no sample: its weight is 0, it must not win on the data.
        var (x, y) = Blobs(Centres(8), [60, 60, 60], seed: 6);
        var head = SoftmaxHead.Train(x, y, 4);
        Assert.All(x, v => Assert.NotEqual(3, VectorMath.ArgMax(head.Logits(v))));
    }

    [Fact]
    public void NoSamplesOrMismatchedLabelsThrow()
    {
        Assert.Throws<ArgumentException>(() => SoftmaxHead.Train([], [], 3));
        Assert.Throws<ArgumentException>(() => SoftmaxHead.Train([new float[Dim]], [0, 1], 3));
    }

    [Fact]
    public void ShapeMismatchIsRefused() =>
        Assert.Throws<InvalidDataException>(() => new SoftmaxHead(3, 4, new float[11], new float[3]));

    [Fact]
    public void LogitsAreWeightsTimesInputPlusBias()
    {
        // W = [[1, 2], [0, -1]], b = [0.5, 3]; x = [2, 1] -> [0.5 + 2 + 2, 3 - 1] = [4.5, 2]
        var head = new SoftmaxHead(2, 2, [1, 2, 0, -1], [0.5f, 3]);
        Assert.Equal([4.5f, 2f], head.Logits([2f, 1f]));
    }
}
