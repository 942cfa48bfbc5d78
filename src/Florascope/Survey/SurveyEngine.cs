using Florascope.Identification;
using Florascope.Imaging;

namespace Florascope.Survey;

/// <summary>What a survey asks: the project, how to cut the photo, which tile labels count.</summary>
/// <param name="PlantThreshold">Windows under this plant probability name nobody (default: the model's own "not a plant" threshold).</param>
public sealed record SurveyRequest(byte[] Image, string Project = "all", TilingSettings? Tiling = null, CountingRule? Counting = null, float? PlantThreshold = null);

/// <summary>
/// A survey's labels per level (species by scientific name without author, genus, family) over the photo's upright size,
/// with the project and settings it ran with.
/// </summary>
public sealed record SurveyResult(int Width, int Height, SurveyAggregate Species, string ModelVersion)
{
    public SurveyAggregate Genus { get; init; } = SurveyAggregate.Empty(Species.Tiles);
    public SurveyAggregate Family { get; init; } = SurveyAggregate.Empty(Species.Tiles);
    /// <summary>The project the survey ran in: the one asked, or the one <see cref="Identification.ProjectChoice"/> chose for <c>best</c>.</summary>
    public string Project { get; init; } = Taxonomy.Checklist.AllProject;
    public TilingSettings Tiling { get; init; } = new();
    public CountingRule Counting { get; init; } = new();
}

/// <summary>Why a survey is refused before any work (too many tiles, bad settings).</summary>
public sealed class SurveyException(string message) : Exception(message);

/// <summary>
/// A plot photo's species: the photo decoded once (bounded: at most 1/2 scale for 12 MP), cut into windows
/// (<see cref="SurveyTiling"/>), each window identified in chunks, the labels aggregated (<see cref="SurveyAggregation"/>).
/// </summary>
public static class SurveyEngine
{
    /// <summary>Windows run through the network this many at a time (a caller may interleave other work between chunks).</summary>
    public const int Chunk = 16;

    /// <summary>The tile count of a request, from the photo's header only: the check before any work.</summary>
    public static int TileCount(SurveyRequest request, DecodeLimits? limits = null) => Checked(request, limits).Count;

    /// <summary>The photo's upright size (header only) and its tile count, refused above <see cref="TilingSettings.MaxTiles"/>.</summary>
    private static (int Width, int Height, int Count) Checked(SurveyRequest request, DecodeLimits? limits)
    {
        var tiling = request.Tiling ?? new TilingSettings();
        if (tiling.Problem() is { } problem) throw new SurveyException(problem);
        var (w, h) = ImageDecoder.ReadUprightSize(request.Image, limits);
        var count = SurveyTiling.Count(w, h, tiling);
        if (count > TilingSettings.MaxTiles)
            throw new SurveyException($"The photo would make {count} tiles with these settings; at most {TilingSettings.MaxTiles}: use a larger tile_size or tile_stride.");
        return (w, h, count);
    }

    public static SurveyResult Run(IdentificationEngine engine, SurveyRequest request, Action<Action>? eachChunk = null)
    {
        var (width, height, _) = Checked(request, engine.Limits);
        var tiling = request.Tiling ?? new TilingSettings();
        var counting = request.Counting ?? new CountingRule();
        using var source = ImageDecoder.DecodeForTiles(request.Image, SurveyTiling.Sizes(width, height, tiling)[0], engine.Limits);
        var tiles = SurveyTiling.Tiles(source.Width, source.Height, tiling);
        var results = new TileResult[tiles.Count];
        var names = engine.Bundle.Checklist.Taxa;
        var plantThreshold = request.PlantThreshold ?? engine.Bundle.Manifest.Inference.PlantThreshold;
        for (var start = 0; start < tiles.Count; start += Chunk)
        {
            var from = start;
            void Work()
            {
                var chunk = tiles.Skip(from).Take(Chunk).ToList();
                var windows = chunk.Select(t => source.Crop(t.X, t.Y, t.Size)).ToList();
                var scored = engine.ScoreWindows(windows, request.Project, counting.MaxRank);
                // A window the model judges not to show a plant (bare soil, a gap between plants) names nobody.
                for (var k = 0; k < chunk.Count; k++)
                    results[from + k] = new TileResult(chunk[k], scored[k].PlantProbability < plantThreshold ? []
                        : [.. scored[k].Taxa.Select(x => new TileLabel(names[x.Taxon].ScientificNameWithoutAuthor, x.Score))]);
            }
            if (eachChunk is null) Work();
            else eachChunk(Work);
        }
        return new SurveyResult(source.Width, source.Height,
            SurveyRejection.Apply(SurveyAggregation.Aggregate(source.Width, source.Height, results, counting)), engine.Bundle.Manifest.Version)
        {
            Project = request.Project,
            Tiling = tiling,
            Counting = counting,
        };
    }
}
