using Florascope.Learning;
using Florascope.Taxonomy;

namespace Florascope.Bundles;

/// <summary>
/// Who made a reference photo and under which licence, kept with the photo when its source says so
/// (a GBIF download's multimedia rows); <see cref="Source"/> is the record it comes from (a GBIF
/// occurrence page). Photos without one are credited by their data set (Identification/ImageSources).
/// </summary>
public sealed record ReferenceCredit(string Author, string License, string Citation, DateOnly? Date, string? Source);

/// <summary>
/// One reference photo: its path under the data root (or the bundle folder, see
/// <see cref="BundleManifest.ReferencePhotos"/>), its taxon (-1: a photo without plant) and its credit when known.
/// </summary>
public sealed record ReferenceImage(string Path, int Label, ReferenceCredit? Credit = null);

/// <summary>A similar photo found for a result, with its cosine similarity to the query.</summary>
public sealed record ReferenceMatch(ReferenceImage Image, float Similarity);

/// <summary>
/// Normalised embeddings of the training photos (plants and non-plants), stored as half floats,
/// searched by cosine similarity: the plant photos most like the query are a result's evidence,
/// and how much closer the query is to plants than to non-plants helps the rejection.
/// </summary>
public sealed class ReferenceIndex
{
    private readonly float[] _vectors; // count x dim, each L2-normalised
    private readonly int _dim;
    private readonly int[][] _byLabel;
    private readonly int[] _plants;
    private readonly int[] _nonPlants;

    public ReferenceIndex(IReadOnlyList<ReferenceImage> images, float[] vectors, int dim, int classes)
    {
        if (vectors.Length != images.Count * dim) throw new InvalidDataException("Reference vectors do not match the image list.");
        Images = images;
        _vectors = vectors;
        _dim = dim;
        // One pass over the images (not one per class: 25K taxa x 5M photos would take minutes).
        var byLabel = new List<int>[classes];
        for (var c = 0; c < classes; c++) byLabel[c] = [];
        for (var i = 0; i < images.Count; i++)
            if (images[i].Label >= 0 && images[i].Label < classes) byLabel[images[i].Label].Add(i);
        _byLabel = [.. byLabel.Select(l => l.ToArray())];
        _plants = Enumerable.Range(0, images.Count).Where(i => images[i].Label >= 0).ToArray();
        _nonPlants = Enumerable.Range(0, images.Count).Where(i => images[i].Label < 0).ToArray();
    }

    /// <summary>
    /// Mean of the <paramref name="k"/> best similarities to plant photos minus the same for
    /// non-plant photos: positive when the query looks more like the plants.
    /// </summary>
    public float PlantMargin(ReadOnlySpan<float> query, int k) =>
        Similarity.MeanTopK(query, _vectors, _dim, _plants, k) - Similarity.MeanTopK(query, _vectors, _dim, _nonPlants, k);

    public IReadOnlyList<ReferenceImage> Images { get; }

    /// <summary>The <paramref name="k"/> reference photos of <paramref name="label"/> nearest to the (normalised) query.</summary>
    public List<ReferenceMatch> Nearest(ReadOnlySpan<float> query, int label, int k)
    {
        var candidates = label >= 0 && label < _byLabel.Length ? _byLabel[label] : [];
        var scored = new List<ReferenceMatch>(candidates.Length);
        foreach (var i in candidates)
            scored.Add(new ReferenceMatch(Images[i], VectorMath.Dot(query, _vectors.AsSpan(i * _dim, _dim))));
        scored.Sort((a, b) => b.Similarity.CompareTo(a.Similarity));
        return scored.Count > k ? scored[..k] : scored;
    }

    public float[] Vector(int i) => _vectors.AsSpan(i * _dim, _dim).ToArray();

    /// <summary>The reference photos of one class, in index order (none for an unknown label).</summary>
    public IReadOnlyList<ReferenceImage> OfLabel(int label) =>
        label >= 0 && label < _byLabel.Length ? [.. _byLabel[label].Select(i => Images[i])] : [];

    private float[]? _centroids;

    /// <summary>
    /// The classes' centroids (Species/ClassCentroids), computed once on first use: one pass over every
    /// vector, which only the species pages' "similar species" need.
    /// </summary>
    public ReadOnlySpan<float> Centroids =>
        LazyInitializer.EnsureInitialized(ref _centroids, () => Species.ClassCentroids.Compute(_vectors, [.. Images.Select(i => i.Label)], _dim, _byLabel.Length));

    public int Dimension => _dim;

    private static readonly string[] Columns = ["path", "label", "author", "license", "citation", "date", "source"];

    public void Save(string directory)
    {
        // Credits are free text from elsewhere: the bundle's one rule for tab-separated cells.
        static string Cell(string? s) => ChecklistWriter.Cell(s);
        File.WriteAllLines(Path.Combine(directory, "references.tsv"),
            [string.Join('\t', Columns), .. Images.Select(i => i.Credit is not { } c ? $"{i.Path}\t{i.Label}\t\t\t\t\t"
                : $"{i.Path}\t{i.Label}\t{Cell(c.Author)}\t{Cell(c.License)}\t{Cell(c.Citation)}\t{c.Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}\t{Cell(c.Source)}")]);
        using var fs = File.Create(Path.Combine(directory, "references.f16"));
        using var bw = new BinaryWriter(fs);
        bw.Write(_dim);
        foreach (var v in _vectors) bw.Write((Half)v);
    }

    /// <summary>The credit columns of a row (bundles written before them have two columns).</summary>
    private static ReferenceCredit? CreditOf(string[] f)
    {
        if (f.Length < 7 || (f[2].Length == 0 && f[3].Length == 0)) return null;
        DateOnly? date = DateOnly.TryParseExact(f[5], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d) ? d : null;
        return new ReferenceCredit(f[2], f[3], f[4], date, f[6].Length == 0 ? null : f[6]);
    }

    public static ReferenceIndex Load(string directory, int classes)
    {
        var lines = File.ReadAllLines(Path.Combine(directory, "references.tsv")).Skip(1).Where(l => l.Length > 0).ToList();
        var images = lines.Select(l => l.Split('\t')).Select(f => new ReferenceImage(f[0], int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), CreditOf(f))).ToList();
        using var fs = File.OpenRead(Path.Combine(directory, "references.f16"));
        using var br = new BinaryReader(fs);
        var dim = br.ReadInt32();
        var vectors = new float[images.Count * dim];
        for (var i = 0; i < vectors.Length; i++) vectors[i] = (float)br.ReadHalf();
        return new ReferenceIndex(images, vectors, dim, classes);
    }
}

/// <summary>Cosine-similarity helpers over row-major unit vectors.</summary>
public static class Similarity
{
    /// <summary>Mean of the k largest dot products between the query and the chosen rows (0 when there are none).</summary>
    public static float MeanTopK(ReadOnlySpan<float> query, ReadOnlySpan<float> rows, int dim, ReadOnlySpan<int> chosen, int k)
    {
        if (chosen.Length == 0 || k <= 0) return 0;
        Span<float> top = stackalloc float[k];
        top.Fill(float.NegativeInfinity);
        foreach (var i in chosen)
        {
            var s = VectorMath.Dot(query, rows.Slice(i * dim, dim));
            if (s <= top[k - 1]) continue;
            var j = k - 1;
            for (; j > 0 && top[j - 1] < s; j--) top[j] = top[j - 1];
            top[j] = s;
        }
        var n = Math.Min(k, chosen.Length);
        var sum = 0f;
        for (var j = 0; j < n; j++) sum += top[j];
        return sum / n;
    }
}
