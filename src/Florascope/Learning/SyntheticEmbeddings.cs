namespace Florascope.Learning;

/// <summary>
/// Embeddings of a made-up flora, for benchmarks and tests without photos: per class a random
/// centre on the unit sphere, per sample that centre plus Gaussian noise (a window of a fixed pool of normal values at a random place), then
/// <see cref="FeatureTransform"/> as training applies it, so rows look as the taxon head sees them.
/// Deterministic for given seeds, whatever the number of threads.
/// </summary>
public sealed class SyntheticEmbeddings
{
    private const int Block = 4096; // rows per random stream
    private const int PoolSize = 1 << 20;
    private readonly float[] _centres;
    private readonly float[] _pool; // Gaussian values; a row's noise is a window of it at a random place

    /// <param name="noise">Standard deviation of each coordinate's noise (the centres have norm 1).</param>
    public SyntheticEmbeddings(int classes, int dim, float noise, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        Classes = classes;
        Dim = dim;
        Noise = noise;
        _centres = new float[checked(classes * dim)];
        var rng = new Random(seed);
        for (var c = 0; c < classes; c++)
        {
            var centre = _centres.AsSpan(c * dim, dim);
            Gaussians(rng, centre);
            var norm = MathF.Sqrt(VectorMath.Dot(centre, centre));
            for (var j = 0; j < dim; j++) centre[j] /= norm;
        }
        // Drawing 2.56 billion normal values (25K taxa x 200 x 512) one by one takes minutes on two
        // cores; windows of a million-value pool at random places, with a random sign, take seconds.
        _pool = new float[PoolSize + dim];
        Gaussians(rng, _pool);
    }

    public int Classes { get; }
    public int Dim { get; }
    public float Noise { get; }

    /// <summary>
    /// Fills <paramref name="rows"/> with <paramref name="perClass"/> samples of each class, class
    /// by class (row i has label i / perClass), and returns the labels.
    /// </summary>
    public int[] Fill(EmbeddingRows rows, int perClass, int noiseSeed)
    {
        if (rows.Dim != Dim || (long)Classes * perClass != rows.Count)
            throw new ArgumentException($"Expected {Classes} x {perClass} rows of {Dim}, got {rows.Count} of {rows.Dim}.", nameof(rows));
        var labels = new int[rows.Count];
        Parallel.For(0, (rows.Count + Block - 1) / Block, b =>
        {
            // Not HashCode.Combine: it is seeded per process, and the rows must be the same on every run.
            var rng = new Random(unchecked(noiseSeed * 1_000_003 + b));
            var x = new float[Dim];
            for (var i = b * Block; i < Math.Min(rows.Count, (b + 1) * Block); i++)
            {
                var label = i / perClass;
                labels[i] = label;
                var centre = _centres.AsSpan(label * Dim, Dim);
                var window = _pool.AsSpan(rng.Next(PoolSize), Dim);
                var scale = rng.Next(2) == 0 ? Noise : -Noise;
                for (var j = 0; j < Dim; j++) x[j] = centre[j] + scale * window[j];
                FeatureTransform.Apply(x);
                rows.SetRow(i, x);
            }
        });
        return labels;
    }

    /// <summary>Standard normal values (Box-Muller, both of each pair: 25K x 200 x 512 of them take a while).</summary>
    private static void Gaussians(Random rng, Span<float> into)
    {
        for (var j = 0; j < into.Length; j += 2)
        {
            var r = MathF.Sqrt(-2 * MathF.Log(1 - rng.NextSingle()));
            var (sin, cos) = MathF.SinCos(2 * MathF.PI * rng.NextSingle());
            into[j] = r * cos;
            if (j + 1 < into.Length) into[j + 1] = r * sin;
        }
    }
}
