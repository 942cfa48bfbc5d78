using System.Numerics;
using System.Runtime.InteropServices;
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

    /// <summary>
    /// The same training (class-weighted cross-entropy, L2, Adam, cosine step size, same shuffles)
    /// from flat or half-precision rows, computed a mini-batch at a time: each class's weights are
    /// read once per batch instead of once per sample, and the Adam step is fused with the
    /// gradient row, so that the cost is arithmetic rather than memory traffic as classes grow.
    /// Results match the per-sample overload up to float rounding (summation order).
    /// </summary>
    /// <param name="maxSteps">Stop after this many mini-batch steps (0: all epochs); lets a benchmark time part of an epoch.</param>
    public static SoftmaxHead Train(EmbeddingRows x, IReadOnlyList<int> y, int classes, HeadTraining? settings = null,
        IProgress<(int Epoch, int Epochs)>? progress = null, int maxSteps = 0)
    {
        settings ??= new HeadTraining();
        var n = x.Count;
        if (n == 0 || y.Count != n) throw new ArgumentException("Training needs as many labels as samples, and at least one.");
        if (classes <= 0) throw new ArgumentOutOfRangeException(nameof(classes), "Training needs at least one class.");
        var dim = x.Dim;
        var counts = new int[classes];
        foreach (var label in y)
        {
            if (label < 0 || label >= classes) throw new ArgumentException($"Label {label} is not one of the {classes} classes.", nameof(y));
            counts[label]++;
        }
        var classWeight = new float[classes];
        for (var c = 0; c < classes; c++)
            classWeight[c] = !settings.ClassBalanced ? 1f : counts[c] == 0 ? 0f : (float)n / (classes * counts[c]);

        var wCount = classes * dim;
        var theta = new float[wCount + classes]; // weights then biases, as above
        var m = new float[theta.Length];
        var v = new float[theta.Length];
        var batch = Math.Max(1, settings.BatchSize);
        var xb = new float[batch * dim];
        var yb = new int[batch];
        var z = new float[classes * batch]; // class-major: z[c * batch + k], so class loops run over contiguous memory
        var order = Enumerable.Range(0, n).ToArray();
        var rng = new Random(settings.Seed);
        var step = 0;
        // Class ranges per task: enough tasks to balance the cores, few enough to keep scheduling cheap.
        var tasks = Math.Min(classes, Math.Max(1, Environment.ProcessorCount) * 4);
        var perTask = (classes + tasks - 1) / tasks;

        for (var epoch = 0; epoch < settings.Epochs && (maxSteps <= 0 || step < maxSteps); epoch++)
        {
            rng.Shuffle(order);
            var lr = settings.LearningRate * 0.5f * (1 + MathF.Cos(MathF.PI * epoch / settings.Epochs));
            for (var start = 0; start < n && (maxSteps <= 0 || step < maxSteps); start += batch)
            {
                var count = Math.Min(n, start + batch) - start;
                Parallel.For(0, count, k =>
                {
                    x.CopyRow(order[start + k], xb.AsSpan(k * dim, dim));
                    yb[k] = y[order[start + k]];
                });
                Parallel.For(0, tasks, t =>
                {
                    for (var c = t * perTask; c < Math.Min(classes, (t + 1) * perTask); c++)
                    {
                        var w = theta.AsSpan(c * dim, dim);
                        var b = theta[wCount + c];
                        var k = 0;
                        for (; k + 4 <= count; k += 4) Dot4(w, xb.AsSpan(k * dim, 4 * dim), z.AsSpan(c * batch + k, 4), b);
                        for (; k < count; k++) z[c * batch + k] = b + VectorMath.Dot(w, xb.AsSpan(k * dim, dim));
                    }
                });
                BatchSoftmaxGradient(z, batch, count, classes, yb, classWeight);
                step++;
                var bc1 = 1 - MathF.Pow(Beta1, step);
                var bc2 = 1 - MathF.Pow(Beta2, step);
                Parallel.For(0, tasks, () => new float[dim], (t, _, g) =>
                {
                    for (var c = t * perTask; c < Math.Min(classes, (t + 1) * perTask); c++)
                    {
                        Array.Clear(g);
                        var gb = 0f;
                        var k = 0;
                        for (; k + 4 <= count; k += 4)
                        {
                            var d = z.AsSpan(c * batch + k, 4);
                            AddScaled4(g, xb.AsSpan(k * dim, 4 * dim), d);
                            gb += d[0] + d[1] + d[2] + d[3];
                        }
                        for (; k < count; k++)
                        {
                            var d = z[c * batch + k];
                            VectorMath.AddScaled(g, xb.AsSpan(k * dim, dim), d);
                            gb += d;
                        }
                        AdamStep(theta.AsSpan(c * dim, dim), m.AsSpan(c * dim, dim), v.AsSpan(c * dim, dim), g, settings.L2, lr, bc1, bc2);
                        AdamStep(theta.AsSpan(wCount + c, 1), m.AsSpan(wCount + c, 1), v.AsSpan(wCount + c, 1), [gb], 0, lr, bc1, bc2);
                    }
                    return g;
                }, _ => { });
            }
            progress?.Report((epoch + 1, settings.Epochs));
        }
        return new SoftmaxHead(classes, dim, theta[..wCount], theta[wCount..]);
    }

    private const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;

    /// <summary>
    /// Turns a batch's logits (class-major) into the gradient of the mean weighted cross-entropy
    /// with respect to them: w_y (softmax - onehot) / count. Samples are taken 16 at a time so
    /// that each task owns whole cache lines.
    /// </summary>
    internal static void BatchSoftmaxGradient(float[] z, int batch, int count, int classes, int[] y, float[] classWeight)
    {
        const int lanes = 16;
        Parallel.For(0, (count + lanes - 1) / lanes, block =>
        {
            var k0 = block * lanes;
            var k1 = Math.Min(count, k0 + lanes);
            Span<float> max = stackalloc float[lanes];
            Span<float> sum = stackalloc float[lanes];
            max.Fill(float.NegativeInfinity);
            sum.Clear();
            for (var c = 0; c < classes; c++)
                for (var k = k0; k < k1; k++) max[k - k0] = Math.Max(max[k - k0], z[c * batch + k]);
            for (var c = 0; c < classes; c++)
                for (var k = k0; k < k1; k++)
                {
                    var e = MathF.Exp(z[c * batch + k] - max[k - k0]);
                    z[c * batch + k] = e;
                    sum[k - k0] += e;
                }
            for (var c = 0; c < classes; c++)
                for (var k = k0; k < k1; k++)
                    z[c * batch + k] = classWeight[y[k]] * (z[c * batch + k] / sum[k - k0] - (c == y[k] ? 1f : 0f)) / count;
        });
    }

    /// <summary>
    /// out[j] = bias + w . x_j for four consecutive rows x_0..x_3: w is loaded once for four
    /// independent accumulators, which keeps the multiply-add units busy instead of waiting on one sum.
    /// </summary>
    private static void Dot4(ReadOnlySpan<float> w, ReadOnlySpan<float> x4, Span<float> result, float bias)
    {
        var dim = w.Length;
        var vw = MemoryMarshal.Cast<float, Vector<float>>(w);
        var lanes = vw.Length;
        if (lanes * Vector<float>.Count != dim)
        {
            for (var j = 0; j < 4; j++) result[j] = bias + VectorMath.Dot(w, x4.Slice(j * dim, dim));
            return;
        }
        var v0 = MemoryMarshal.Cast<float, Vector<float>>(x4[..dim]);
        var v1 = MemoryMarshal.Cast<float, Vector<float>>(x4.Slice(dim, dim));
        var v2 = MemoryMarshal.Cast<float, Vector<float>>(x4.Slice(2 * dim, dim));
        var v3 = MemoryMarshal.Cast<float, Vector<float>>(x4.Slice(3 * dim, dim));
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (var i = 0; i < lanes; i++)
        {
            var wi = vw[i];
            a0 = Vector.FusedMultiplyAdd(wi, v0[i], a0);
            a1 = Vector.FusedMultiplyAdd(wi, v1[i], a1);
            a2 = Vector.FusedMultiplyAdd(wi, v2[i], a2);
            a3 = Vector.FusedMultiplyAdd(wi, v3[i], a3);
        }
        result[0] = bias + Vector.Sum(a0);
        result[1] = bias + Vector.Sum(a1);
        result[2] = bias + Vector.Sum(a2);
        result[3] = bias + Vector.Sum(a3);
    }

    /// <summary>g += d_0 x_0 + ... + d_3 x_3: one load and store of g for four rows.</summary>
    private static void AddScaled4(Span<float> g, ReadOnlySpan<float> x4, ReadOnlySpan<float> d)
    {
        var dim = g.Length;
        var vg = MemoryMarshal.Cast<float, Vector<float>>(g);
        if (vg.Length * Vector<float>.Count != dim)
        {
            for (var j = 0; j < 4; j++) VectorMath.AddScaled(g, x4.Slice(j * dim, dim), d[j]);
            return;
        }
        var v0 = MemoryMarshal.Cast<float, Vector<float>>(x4[..dim]);
        var v1 = MemoryMarshal.Cast<float, Vector<float>>(x4.Slice(dim, dim));
        var v2 = MemoryMarshal.Cast<float, Vector<float>>(x4.Slice(2 * dim, dim));
        var v3 = MemoryMarshal.Cast<float, Vector<float>>(x4.Slice(3 * dim, dim));
        Vector<float> d0 = new(d[0]), d1 = new(d[1]), d2 = new(d[2]), d3 = new(d[3]);
        for (var i = 0; i < vg.Length; i++)
            vg[i] = Vector.FusedMultiplyAdd(d3, v3[i], Vector.FusedMultiplyAdd(d2, v2[i], Vector.FusedMultiplyAdd(d1, v1[i], Vector.FusedMultiplyAdd(d0, v0[i], vg[i]))));
    }

    /// <summary>One Adam update of <paramref name="theta"/> from its gradient <paramref name="g"/> (plus L2 on theta).</summary>
    private static void AdamStep(Span<float> theta, Span<float> m, Span<float> v, ReadOnlySpan<float> g, float l2, float lr, float bc1, float bc2)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && theta.Length >= Vector<float>.Count)
        {
            var vt = MemoryMarshal.Cast<float, Vector<float>>(theta);
            var vm = MemoryMarshal.Cast<float, Vector<float>>(m);
            var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            var vg = MemoryMarshal.Cast<float, Vector<float>>(g);
            for (var j = 0; j < vt.Length; j++)
            {
                var grad = vg[j] + l2 * vt[j];
                vm[j] = Beta1 * vm[j] + (1 - Beta1) * grad;
                vv[j] = Beta2 * vv[j] + (1 - Beta2) * grad * grad;
                vt[j] -= lr * (vm[j] / bc1) / (Vector.SquareRoot(vv[j] / bc2) + new Vector<float>(Epsilon));
            }
            i = vt.Length * Vector<float>.Count;
        }
        for (; i < theta.Length; i++)
        {
            var grad = g[i] + l2 * theta[i];
            m[i] = Beta1 * m[i] + (1 - Beta1) * grad;
            v[i] = Beta2 * v[i] + (1 - Beta2) * grad * grad;
            theta[i] -= lr * (m[i] / bc1) / (MathF.Sqrt(v[i] / bc2) + Epsilon);
        }
    }
}
