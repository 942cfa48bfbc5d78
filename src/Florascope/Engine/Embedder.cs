using System.Buffers;
using Florascope.Imaging;

namespace Florascope.Engine;

/// <summary>Turns prepared images into embeddings, several views batched into one network run.</summary>
public sealed class Embedder(Backbone backbone)
{
    public Backbone Backbone { get; } = backbone;

    /// <summary>Embeds each (image, view) pair; returns pairs.Count x 512 floats in order.</summary>
    public float[] Embed(IReadOnlyList<(PreparedImage Image, int View)> pairs)
    {
        var n = pairs.Count;
        var result = new float[n * Backbone.Dim];
        if (n == 0) return result;
        var input = ArrayPool<float>.Shared.Rent(n * Backbone.ImageFloats);
        try
        {
            for (var i = 0; i < n; i++)
                Backbone.FillInput(pairs[i].Image.Rgba, pairs[i].View, input.AsSpan(i * Backbone.ImageFloats, Backbone.ImageFloats));
            Backbone.Run(input, n, result);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
        return result;
    }

    public float[] Embed(PreparedImage image, ReadOnlySpan<int> views)
    {
        var pairs = new (PreparedImage, int)[views.Length];
        for (var i = 0; i < views.Length; i++) pairs[i] = (image, views[i]);
        return Embed(pairs);
    }
}
