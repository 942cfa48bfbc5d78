using System.Text.Json.Serialization;

namespace Florascope.Learning;

/// <summary>Training settings of a multinomial logistic regression head.</summary>
public sealed record HeadTraining
{
    public int Epochs { get; init; } = 30;
    public int BatchSize { get; init; } = 128;
    public float LearningRate { get; init; } = 0.01f;
    /// <summary>L2 penalty on the weights (not the biases).</summary>
    public float L2 { get; init; } = 1e-4f;
    /// <summary>Weight each class by N / (C x n_class) so rare taxa count as much as common ones.</summary>
    public bool ClassBalanced { get; init; } = true;
    public int Seed { get; init; } = 42;
}

/// <summary>
/// Multinomial logistic regression: logits = W x + b. Trained with mini-batch Adam on
/// class-weighted cross-entropy plus L2.
/// </summary>
public sealed class SoftmaxHead
{
    [JsonConstructor]
    public SoftmaxHead(int classes, int dim, float[] weights, float[] bias)
    {
        if (weights.Length != classes * dim || bias.Length != classes)
            throw new InvalidDataException($"Head shape mismatch: {weights.Length} weights and {bias.Length} biases for {classes}x{dim}.");
        Classes = classes;
        Dim = dim;
        Weights = weights;
        Bias = bias;
    }

    public int Classes { get; }
    public int Dim { get; }
    public float[] Weights { get; }
    public float[] Bias { get; }

    public void Logits(ReadOnlySpan<float> x, Span<float> logits)
    {
        for (var c = 0; c < Classes; c++)
            logits[c] = Bias[c] + VectorMath.Dot(Weights.AsSpan(c * Dim, Dim), x);
    }

    public float[] Logits(ReadOnlySpan<float> x)
    {
        var z = new float[Classes];
        Logits(x, z);
        return z;
    }

    public static SoftmaxHead Train(IReadOnlyList<float[]> x, IReadOnlyList<int> y, int classes, HeadTraining? settings = null,
        IProgress<(int Epoch, int Epochs)>? progress = null)
    {
        settings ??= new HeadTraining();
        var n = x.Count;
        if (n == 0 || y.Count != n) throw new ArgumentException("Training needs as many labels as samples, and at least one.");
        var dim = x[0].Length;
        var counts = new int[classes];
        foreach (var label in y) counts[label]++;
        var classWeight = new float[classes];
        for (var c = 0; c < classes; c++)
            classWeight[c] = !settings.ClassBalanced ? 1f : counts[c] == 0 ? 0f : (float)n / (classes * counts[c]);

        var p = classes * dim + classes; // weights then biases
        var theta = new float[p];
        var m = new float[p];
        var v = new float[p];
        const float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
        var order = Enumerable.Range(0, n).ToArray();
        var rng = new Random(settings.Seed);
        var step = 0;
        var workers = Math.Max(1, Environment.ProcessorCount);
        var grads = new float[workers][];
        for (var w = 0; w < workers; w++) grads[w] = new float[p];

        for (var epoch = 0; epoch < settings.Epochs; epoch++)
        {
            rng.Shuffle(order);
            // Cosine decay of the step size gives a stable end point without tuning a schedule.
            var lr = settings.LearningRate * 0.5f * (1 + MathF.Cos(MathF.PI * epoch / settings.Epochs));
            for (var start = 0; start < n; start += settings.BatchSize)
            {
                var end = Math.Min(n, start + settings.BatchSize);
                var count = end - start;
                Parallel.For(0, workers, w =>
                {
                    var g = grads[w];
                    Array.Clear(g);
                    var z = new float[classes];
                    for (var k = start + w; k < end; k += workers)
                    {
                        var xi = x[order[k]];
                        var yi = y[order[k]];
                        for (var c = 0; c < classes; c++)
                            z[c] = theta[classes * dim + c] + VectorMath.Dot(theta.AsSpan(c * dim, dim), xi);
                        VectorMath.Softmax(z);
                        var cw = classWeight[yi];
                        for (var c = 0; c < classes; c++)
                        {
                            var d = cw * (z[c] - (c == yi ? 1f : 0f));
                            if (d == 0) continue;
                            VectorMath.AddScaled(g.AsSpan(c * dim, dim), xi, d);
                            g[classes * dim + c] += d;
                        }
                    }
                });
                step++;
                var bc1 = 1 - MathF.Pow(beta1, step);
                var bc2 = 1 - MathF.Pow(beta2, step);
                for (var j = 0; j < p; j++)
                {
                    var g = 0f;
                    for (var w = 0; w < workers; w++) g += grads[w][j];
                    g /= count;
                    if (j < classes * dim) g += settings.L2 * theta[j];
                    m[j] = beta1 * m[j] + (1 - beta1) * g;
                    v[j] = beta2 * v[j] + (1 - beta2) * g * g;
                    theta[j] -= lr * (m[j] / bc1) / (MathF.Sqrt(v[j] / bc2) + eps);
                }
            }
            progress?.Report((epoch + 1, settings.Epochs));
        }
        return new SoftmaxHead(classes, dim, theta[..(classes * dim)], theta[(classes * dim)..]);
    }
}
