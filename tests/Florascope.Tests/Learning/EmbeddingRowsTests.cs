using Florascope.Learning;

namespace Florascope.Tests.Learning;

/// <summary>Flat and half-precision training rows, and the batched training that reads them.</summary>
public sealed class EmbeddingRowsTests
{
    private const int Classes = 40;
    private const int Dim = 64;
    private const int PerClass = 60;
    private const int HeldOutPerClass = 25;
    private const float Noise = 0.3f;

    /// <summary>The Trainer's taxon-head settings (Trainer.TaxonHead).</summary>
    private static readonly HeadTraining TaxonHead = new() { L2 = 1e-6f, Epochs = 30, LearningRate = 0.05f };

    private static (FloatRows Train, int[] Y, FloatRows HeldOut, int[] HeldOutY) Flora()
    {
        var flora = new SyntheticEmbeddings(Classes, Dim, Noise, seed: 7);
        var train = new FloatRows(Classes * PerClass, Dim);
        var y = flora.Fill(train, PerClass, noiseSeed: 1);
        var heldOut = new FloatRows(Classes * HeldOutPerClass, Dim);
        var heldOutY = flora.Fill(heldOut, HeldOutPerClass, noiseSeed: 2);
        return (train, y, heldOut, heldOutY);
    }

    private static float[] Row(EmbeddingRows rows, int i)
    {
        var r = new float[rows.Dim];
        rows.CopyRow(i, r);
        return r;
    }

    private static int[] Predictions(SoftmaxHead head, EmbeddingRows rows) =>
        [.. Enumerable.Range(0, rows.Count).Select(i => VectorMath.ArgMax(head.Logits(Row(rows, i))))];

    private static int Correct(int[] predicted, int[] y) => predicted.Zip(y).Count(p => p.First == p.Second);

    private static HalfRows ToHalf(EmbeddingRows rows, int rowsPerChunk = 0)
    {
        var half = new HalfRows(rows.Count, rows.Dim, rowsPerChunk);
        for (var i = 0; i < rows.Count; i++) half.SetRow(i, Row(rows, i));
        return half;
    }

    [Fact]
    public void Half_rows_keep_values_to_half_precision_across_chunks()
    {
        var rng = new Random(3);
        var values = Enumerable.Range(0, 10).Select(_ => Enumerable.Range(0, 8).Select(_ => rng.NextSingle() * 2 - 1).ToArray()).ToArray();
        var rows = new HalfRows(10, 8, rowsPerChunk: 3); // 4 chunks, the last one short
        for (var i = 0; i < 10; i++) rows.SetRow(i, values[i]);
        Assert.Equal(10 * 8 * 2, rows.Bytes);
        for (var i = 0; i < 10; i++)
        {
            var back = Row(rows, i);
            // |x| <= 1 with an 11-bit significand: an error of at most 2^-11.
            for (var j = 0; j < 8; j++) Assert.InRange(back[j] - values[i][j], -5e-4f, 5e-4f);
        }
    }

    [Fact]
    public void Synthetic_rows_are_unit_vectors_and_repeatable()
    {
        var a = new FloatRows(Classes * 3, Dim);
        var b = new FloatRows(Classes * 3, Dim);
        var ya = new SyntheticEmbeddings(Classes, Dim, Noise, seed: 7).Fill(a, 3, noiseSeed: 5);
        var yb = new SyntheticEmbeddings(Classes, Dim, Noise, seed: 7).Fill(b, 3, noiseSeed: 5);
        Assert.Equal(ya, yb);
        Assert.Equal(2, ya[7]);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(Row(a, i), Row(b, i));
            Assert.InRange(VectorMath.Dot(Row(a, i), Row(a, i)), 0.999f, 1.001f);
        }
    }

    [Fact]
    public void Batched_training_from_flat_rows_matches_the_per_sample_training()
    {
        var (train, y, heldOut, heldOutY) = Flora();
        var perSample = SoftmaxHead.Train([.. Enumerable.Range(0, train.Count).Select(i => Row(train, i))], y, Classes, TaxonHead);
        var batched = SoftmaxHead.Train(train, y, Classes, TaxonHead);

        var a = Predictions(perSample, heldOut);
        var b = Predictions(batched, heldOut);
        // A task hard enough for the comparison to mean something, not a solved one.
        Assert.InRange(Correct(a, heldOutY), heldOut.Count / 2, heldOut.Count - 10);
        // Same algorithm, different summation order: within 10 of the 1000 held-out rows.
        Assert.InRange(Correct(b, heldOutY) - Correct(a, heldOutY), -10, 10);
        Assert.True(a.Zip(b).Count(p => p.First != p.Second) <= 20, "the two trainings disagree on more than 2% of the held-out rows");
    }

    [Fact]
    public void Batched_training_handles_odd_sizes_like_the_per_sample_training()
    {
        // 13 dimensions (no whole SIMD vector) and 3 x 35 rows in batches of 16 (a last batch of 9):
        // every remainder path of the batched kernels.
        var flora = new SyntheticEmbeddings(3, 13, 0.3f, seed: 11);
        var rows = new FloatRows(3 * 35, 13);
        var y = flora.Fill(rows, 35, noiseSeed: 1);
        var settings = TaxonHead with { BatchSize = 16, Epochs = 10 };
        var perSample = SoftmaxHead.Train([.. Enumerable.Range(0, rows.Count).Select(i => Row(rows, i))], y, 3, settings);
        var batched = SoftmaxHead.Train(rows, y, 3, settings);
        for (var i = 0; i < perSample.Weights.Length; i++) Assert.Equal(perSample.Weights[i], batched.Weights[i], 2e-3f);
        for (var i = 0; i < perSample.Bias.Length; i++) Assert.Equal(perSample.Bias[i], batched.Bias[i], 2e-3f);
    }

    [Fact]
    public void Training_from_half_rows_gives_the_accuracy_of_float_rows()
    {
        var (train, y, heldOut, heldOutY) = Flora();
        var fromFloats = SoftmaxHead.Train(train, y, Classes, TaxonHead);
        var fromHalves = SoftmaxHead.Train(ToHalf(train, rowsPerChunk: 500), y, Classes, TaxonHead);

        var a = Correct(Predictions(fromFloats, heldOut), heldOutY);
        var b = Correct(Predictions(fromHalves, heldOut), heldOutY);
        // Tolerance: 10 of the 1000 held-out rows (1 percentage point).
        Assert.InRange(b - a, -10, 10);
    }

    [Fact]
    public void Max_steps_stops_training_inside_the_first_epoch()
    {
        var (train, y, _, _) = Flora();
        var reports = new List<(int Epoch, int Epochs)>();
        var head = SoftmaxHead.Train(train, y, Classes, TaxonHead, new Collect(reports), maxSteps: 2);
        Assert.Equal([(1, TaxonHead.Epochs)], reports);
        Assert.Contains(head.Weights, w => w != 0);
    }

    [Fact]
    public void Labels_outside_the_classes_or_of_another_count_are_refused()
    {
        var rows = new FloatRows(4, Dim);
        Assert.Throws<ArgumentException>(() => SoftmaxHead.Train(rows, [0, 1, 2, 5], 4));
        Assert.Throws<ArgumentException>(() => SoftmaxHead.Train(rows, [0, 1, 2], 4));
        Assert.Throws<ArgumentException>(() => SoftmaxHead.Train(new FloatRows(0, Dim), [], 4));
    }

    private sealed class Collect(List<(int Epoch, int Epochs)> into) : IProgress<(int Epoch, int Epochs)>
    {
        public void Report((int Epoch, int Epochs) value) => into.Add(value);
    }
}
