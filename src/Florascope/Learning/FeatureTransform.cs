namespace Florascope.Learning;

/// <summary>
/// Normalisation of a pooled CNN embedding before the heads: signed square root ("power
/// normalisation") then L2. Pooled ReLU features are bursty; the root evens them out and the L2
/// step makes the heads insensitive to image contrast and size.
/// </summary>
public static class FeatureTransform
{
    public static void Apply(Span<float> x)
    {
        var norm = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var v = MathF.Sign(x[i]) * MathF.Sqrt(MathF.Abs(x[i]));
            x[i] = v;
            norm += v * v;
        }
        var inv = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0f;
        for (var i = 0; i < x.Length; i++) x[i] *= inv;
    }

    public static float[] Applied(ReadOnlySpan<float> x)
    {
        var copy = x.ToArray();
        Apply(copy);
        return copy;
    }
}
