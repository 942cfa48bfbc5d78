namespace Florascope.Species;

/// <summary>
/// A taxon confused with another: <see cref="NamedTogether"/> observations had identifications naming
/// both, and the model's <see cref="Similarity"/> (centroid cosine) when it counts among its nearest.
/// </summary>
public sealed record SimilarTaxon(string Name, int NamedTogether, float? Similarity);

/// <summary>One list of look-alikes from the votes and the model.</summary>
public static class SimilarTaxa
{
    public const int DefaultCount = 8;

    /// <summary>
    /// Confusions people made first (most shared observations first, then by name), then the model's
    /// nearest classes (most similar first); a taxon in both is one entry carrying both figures, in the
    /// votes' place. At most <paramref name="count"/> entries; <paramref name="self"/> is never listed.
    /// </summary>
    public static List<SimilarTaxon> Merge(string self, IEnumerable<(string Name, int Observations)> byVotes,
        IEnumerable<(string Name, float Similarity)> byModel, int count = DefaultCount)
    {
        var model = new Dictionary<string, float>(StringComparer.Ordinal);
        var modelOrder = new List<string>();
        foreach (var (name, similarity) in byModel)
            if (name != self && model.TryAdd(name, similarity)) modelOrder.Add(name);
        var result = new List<SimilarTaxon>();
        var listed = new HashSet<string>(StringComparer.Ordinal) { self };
        foreach (var (name, observations) in byVotes.Where(v => v.Observations > 0)
                     .OrderByDescending(v => v.Observations).ThenBy(v => v.Name, StringComparer.Ordinal))
            if (listed.Add(name)) result.Add(new SimilarTaxon(name, observations, model.TryGetValue(name, out var s) ? s : null));
        foreach (var name in modelOrder)
            if (listed.Add(name)) result.Add(new SimilarTaxon(name, 0, model[name]));
        return result.Count > count ? result[..count] : result;
    }
}
