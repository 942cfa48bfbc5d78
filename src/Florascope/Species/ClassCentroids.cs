using Florascope.Learning;

namespace Florascope.Species;

/// <summary>A class the model finds close to another, with the cosine similarity of their centroids.</summary>
public sealed record NearClass(int Label, float Similarity);

/// <summary>
/// The model's idea of which taxa look alike, from its reference embeddings (the normalised features
/// its heads read): each class's centroid, and the classes whose centroids are nearest. The bundles
/// keep no validation confusion matrix, so nearness in the heads' feature space stands in for it.
/// </summary>
public static class ClassCentroids
{
    /// <summary>
    /// classes x dim centroids, each L2-normalised: the mean of the class's rows in
    /// <paramref name="vectors"/> (row-major, <paramref name="labels"/>[i] is row i's class; rows with
    /// a label outside 0..classes-1, the non-plants, are skipped). A class without rows is all zeros.
    /// </summary>
    public static float[] Compute(ReadOnlySpan<float> vectors, IReadOnlyList<int> labels, int dim, int classes)
    {
        if (dim <= 0 || classes < 0 || vectors.Length != labels.Count * dim)
            throw new ArgumentException("ClassCentroids: the vectors must be labels.Count x dim.");
        var sums = new float[classes * dim];
        for (var i = 0; i < labels.Count; i++)
        {
            var c = labels[i];
            if (c < 0 || c >= classes) continue;
            var row = vectors.Slice(i * dim, dim);
            var sum = sums.AsSpan(c * dim, dim);
            for (var d = 0; d < dim; d++) sum[d] += row[d];
        }
        for (var c = 0; c < classes; c++)
        {
            var sum = sums.AsSpan(c * dim, dim);
            var norm = MathF.Sqrt(VectorMath.Dot(sum, sum));
            if (norm > 0) for (var d = 0; d < dim; d++) sum[d] /= norm;
        }
        return sums;
    }

    /// <summary>
    /// The <paramref name="k"/> classes whose centroids are most similar to <paramref name="target"/>'s,
    /// most similar first (ties by label), never the target itself nor a class without rows.
    /// </summary>
    public static List<NearClass> Nearest(ReadOnlySpan<float> centroids, int dim, int target, int k)
    {
        var classes = dim > 0 ? centroids.Length / dim : 0;
        if (target < 0 || target >= classes || k <= 0) return [];
        var t = centroids.Slice(target * dim, dim);
        if (VectorMath.Dot(t, t) == 0) return [];
        var all = new List<NearClass>(classes);
        for (var c = 0; c < classes; c++)
        {
            if (c == target) continue;
            var other = centroids.Slice(c * dim, dim);
            if (VectorMath.Dot(other, other) == 0) continue;
            all.Add(new NearClass(c, VectorMath.Dot(t, other)));
        }
        all.Sort((a, b) => b.Similarity != a.Similarity ? b.Similarity.CompareTo(a.Similarity) : a.Label.CompareTo(b.Label));
        return all.Count > k ? all[..k] : all;
    }
}
