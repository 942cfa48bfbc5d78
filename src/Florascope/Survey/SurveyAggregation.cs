namespace Florascope.Survey;

/// <summary>One label (a species, genus or family) a tile's identification gave, with its score.</summary>
public readonly record struct TileLabel(string Name, double Score);

/// <summary>A tile and its identification: labels best first.</summary>
public sealed record TileResult(Tile Tile, IReadOnlyList<TileLabel> Labels)
{
    /// <summary>The organ the model sees in the tile (leaf, flower, habit...), or null when not known.</summary>
    public string? Organ { get; init; }
}

/// <summary>Which tile labels count (Pl@ntNet's survey defaults: score at least 0.3, among the tile's top 3).</summary>
public sealed record CountingRule(double MinScore = CountingRule.DefaultMinScore, int MaxRank = CountingRule.DefaultMaxRank)
{
    public const double DefaultMinScore = 0.3;
    public const int DefaultMaxRank = 3;
}

/// <summary>Where a label counted: a tile's centre, side and the label's score there.</summary>
public sealed record LabelLocation(double CenterX, double CenterY, int Size, double Score)
{
    /// <summary>The organ the model sees in that tile, or null when not known.</summary>
    public string? Organ { get; init; }
}

/// <summary>
/// A label found in the plot: its best tile score, the tiles where it counts, the fraction of the photo those tiles
/// cover, and the tiles themselves.
/// </summary>
public sealed record SurveyLabel(string Name, double MaxScore, int Count, double Coverage, IReadOnlyList<LabelLocation> Locations)
{
    /// <summary>Why the label is dropped from the plot's list (<see cref="SurveyRejection"/>), or null when it is kept.</summary>
    public SurveyReject? Reject { get; init; }
}

/// <summary>The labels of a plot, by coverage then best score, and the fraction of the photo no label covers.</summary>
public sealed record SurveyAggregate(IReadOnlyList<SurveyLabel> Labels, int Tiles, int MatchingTiles, double Uncovered)
{
    /// <summary>
    /// The window sizes the survey made (1 for a single-scale survey or a photo no larger than the tile size): the
    /// rejection rules ask no more sizes than that. Unset (an aggregate made by hand): every size its labels were found at.
    /// </summary>
    public int Scales
    {
        get => _scales ?? Math.Max(1, Labels.SelectMany(l => l.Locations).Select(l => l.Size).Distinct().Count());
        init => _scales = value;
    }

    private readonly int? _scales;

    /// <summary>No label: what a level not asked for (genus, family) holds.</summary>
    public static SurveyAggregate Empty(int tiles) => new([], tiles, 0, 1);
}

/// <summary>Aggregates tile identifications per label (pure).</summary>
public static class SurveyAggregation
{
    public static SurveyAggregate Aggregate(int width, int height, IReadOnlyList<TileResult> tiles, CountingRule rule)
    {
        var byLabel = new Dictionary<string, List<(Tile Tile, double Score, string? Organ)>>(StringComparer.Ordinal);
        var matching = new List<Tile>();
        foreach (var t in tiles)
        {
            var any = false;
            for (var r = 0; r < Math.Min(rule.MaxRank, t.Labels.Count); r++)
            {
                var label = t.Labels[r];
                if (label.Score < rule.MinScore) continue;
                if (!byLabel.TryGetValue(label.Name, out var list)) byLabel[label.Name] = list = [];
                list.Add((t.Tile, label.Score, t.Organ));
                any = true;
            }
            if (any) matching.Add(t.Tile);
        }
        var area = (double)width * height;
        var labels = byLabel.Select(kv => new SurveyLabel(kv.Key, kv.Value.Max(x => x.Score), kv.Value.Count,
                UnionArea(kv.Value.Select(x => x.Tile), width, height) / area,
                [.. kv.Value.Select(x => new LabelLocation(x.Tile.CenterX, x.Tile.CenterY, x.Tile.Size, x.Score) { Organ = x.Organ })]))
            .OrderByDescending(l => l.Coverage).ThenByDescending(l => l.MaxScore).ThenBy(l => l.Name, StringComparer.Ordinal)
            .ToList();
        return new SurveyAggregate(labels, tiles.Count, matching.Count, 1 - UnionArea(matching, width, height) / area)
        {
            Scales = tiles.Select(t => t.Tile.Size).Distinct().Count(),
        };
    }

    /// <summary>
    /// The area of the union of square tiles, clipped to the photo: the x axis cut at every tile edge, and in each strip
    /// the merged y intervals of the tiles spanning it. O(n² log n) for n tiles (a few hundred).
    /// </summary>
    public static double UnionArea(IEnumerable<Tile> tiles, int width, int height)
    {
        var rects = tiles.Select(t => (X0: Math.Max(0, t.X), Y0: Math.Max(0, t.Y), X1: Math.Min(width, t.X + t.Size), Y1: Math.Min(height, t.Y + t.Size)))
            .Where(r => r.X1 > r.X0 && r.Y1 > r.Y0).ToList();
        if (rects.Count == 0) return 0;
        var xs = rects.SelectMany(r => new[] { r.X0, r.X1 }).Distinct().Order().ToList();
        double total = 0;
        var spans = new List<(int Y0, int Y1)>();
        for (var i = 0; i + 1 < xs.Count; i++)
        {
            var (a, b) = (xs[i], xs[i + 1]);
            spans.Clear();
            foreach (var r in rects)
                if (r.X0 <= a && r.X1 >= b) spans.Add((r.Y0, r.Y1));
            if (spans.Count == 0) continue;
            spans.Sort();
            long covered = 0;
            var (start, end) = spans[0];
            foreach (var (y0, y1) in spans.Skip(1))
            {
                if (y0 > end)
                {
                    covered += end - start;
                    (start, end) = (y0, y1);
                }
                else if (y1 > end) end = y1;
            }
            covered += end - start;
            total += (double)covered * (b - a);
        }
        return total;
    }
}
