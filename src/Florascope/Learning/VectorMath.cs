using System.Numerics;
using System.Runtime.InteropServices;

namespace Florascope.Learning;

/// <summary>Small dense kernels used by the heads (SIMD through <see cref="Vector{T}"/>).</summary>
public static class VectorMath
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var n = a.Length;
        var acc = Vector<float>.Zero;
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        for (var i = 0; i < va.Length; i++) acc += va[i] * vb[i];
        var sum = Vector.Sum(acc);
        for (var i = va.Length * Vector<float>.Count; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>y += alpha * x.</summary>
    public static void AddScaled(Span<float> y, ReadOnlySpan<float> x, float alpha)
    {
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var va = new Vector<float>(alpha);
        for (var i = 0; i < vy.Length; i++) vy[i] += va * vx[i];
        for (var i = vy.Length * Vector<float>.Count; i < y.Length; i++) y[i] += alpha * x[i];
    }

    /// <summary>Turns logits into probabilities in place, stably.</summary>
    public static void Softmax(Span<float> z)
    {
        var max = float.NegativeInfinity;
        foreach (var v in z) max = Math.Max(max, v);
        var sum = 0f;
        for (var i = 0; i < z.Length; i++) { z[i] = MathF.Exp(z[i] - max); sum += z[i]; }
        for (var i = 0; i < z.Length; i++) z[i] /= sum;
    }

    /// <summary>Turns logits into log-probabilities in place.</summary>
    public static void LogSoftmax(Span<float> z)
    {
        var max = float.NegativeInfinity;
        foreach (var v in z) max = Math.Max(max, v);
        var sum = 0.0;
        foreach (var v in z) sum += Math.Exp(v - max);
        var lse = max + (float)Math.Log(sum);
        for (var i = 0; i < z.Length; i++) z[i] -= lse;
    }

    public static int ArgMax(ReadOnlySpan<float> v)
    {
        var best = 0;
        for (var i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
