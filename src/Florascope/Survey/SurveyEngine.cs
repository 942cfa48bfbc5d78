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

/// <summary>Why a survey is refused before any work.</summary>
public enum SurveyError
{
    /// <summary>The photo would make more than <see cref="TilingSettings.MaxTiles"/> windows with these settings.</summary>
    TooManyTiles,

    /// <summary>The tiling is out of its bounds (<see cref="TilingSettings.Problem"/>).</summary>
    BadSettings,

    /// <summary>min_score or max_rank is out of its bounds.</summary>
    BadCounting,
}

/// <summary>
/// Why a survey is refused before any work, typed for the web layer to map and translated; <see cref="Exception.Message"/>
/// is the English text (the CLI, logs).
/// </summary>
public sealed class SurveyException(SurveyError error, Messages.MessageText text) : Exception(text.English)
{
    public SurveyError Error { get; } = error;
    public Messages.MessageText Text { get; } = text;
}

/// <summary>
/// A plot photo's species: the photo decoded once (bounded: at most 1/2 scale for 12 MP), cut into windows
/// (<see cref="SurveyTiling"/>), each window identified in chunks, the labels aggregated (<see cref="SurveyAggregation"/>).
/// </summary>
public static class SurveyEngine
{
    /// <summary>Windows run through the network this many at a time (a caller may interleave other work between chunks).</summary>
    public const int Chunk = 16;

    /// <summary>The most ranks of a window that may count (<see cref="CountingRule.MaxRank"/>): the engine keeps that many labels per window.</summary>
    public const int MaxRank = 30;

    /// <summary>The tile count of a request, from the photo's header only: the check before any work.</summary>
    public static int TileCount(SurveyRequest request, DecodeLimits? limits = null) => Checked(request, limits).Count;

    /// <summary>The photo's upright size (header only) and its tile count, refused above <see cref="TilingSettings.MaxTiles"/>.</summary>
    internal static (int Width, int Height, int Count) Checked(SurveyRequest request, DecodeLimits? limits)
    {
        var tiling = request.Tiling ?? new TilingSettings();
        if (tiling.Problem() is { } problem) throw new SurveyException(SurveyError.BadSettings, problem);
        var (w, h) = ImageDecoder.ReadUprightSize(request.Image, limits);
        var count = SurveyTiling.Count(w, h, tiling);
        if (count > TilingSettings.MaxTiles)
            throw new SurveyException(SurveyError.TooManyTiles, Messages.MessageText.Of("server.survey.too-many-tiles",
                "The photo would make {count} tiles with these settings; at most {max}: use a larger tile_size or tile_stride.", ("count", count), ("max", TilingSettings.MaxTiles)));
        return (w, h, count);
    }

    /// <summary>
    /// The whole survey in one call (the CLI, the bench); <paramref name="eachChunk"/>, when given, runs each chunk's work
    /// (a caller may take a worker slot around it). The same results as a <see cref="SurveySession"/> run chunk by chunk.
    /// </summary>
    public static SurveyResult Run(IdentificationEngine engine, SurveyRequest request, Action<Action>? eachChunk = null)
    {
        using var session = SurveySession.Start(engine, request);
        for (var i = 0; i < session.Chunks; i++)
        {
            var chunk = i;
            if (eachChunk is null) session.RunChunk(chunk);
            else eachChunk(() => session.RunChunk(chunk));
        }
        return session.Finish();
    }
}

/// <summary>
/// One survey run chunk by chunk, so that async code (the server) can take and free a worker slot around each chunk and
/// stop between chunks. <see cref="Start"/> reads only the photo's header and checks the tiles; the photo is decoded
/// on the first chunk (once, at the scale its smallest window needs) and freed by <see cref="Dispose"/>.
/// Chunks run one at a time (not thread-safe).
/// </summary>
public sealed class SurveySession : IDisposable
{
    private readonly IdentificationEngine _engine;
    private readonly SurveyRequest _request;
    private readonly TileResult?[] _results;
    // Each window's genera and families, best first (the species are in _results).
    private readonly IReadOnlyList<TileLabel>[] _genera;
    private readonly IReadOnlyList<TileLabel>[] _families;
    private readonly CountingRule _counting;
    private TileSource? _source;
    private string? _project;
    private bool _disposed;

    private SurveySession(IdentificationEngine engine, SurveyRequest request, int width, int height)
    {
        _engine = engine;
        _request = request;
        Width = width;
        Height = height;
        Tiling = request.Tiling ?? new TilingSettings();
        _counting = request.Counting ?? new CountingRule();
        Tiles = SurveyTiling.Tiles(width, height, Tiling);
        _results = new TileResult?[Tiles.Count];
        _genera = new IReadOnlyList<TileLabel>[Tiles.Count];
        _families = new IReadOnlyList<TileLabel>[Tiles.Count];
    }

    /// <summary>
    /// Checks the project, the settings and the tile count from the header alone: throws <see cref="IdentifyException"/>
    /// (unknown project), <see cref="SurveyException"/> (bad settings, too many tiles) or <see cref="ImageInputException"/>.
    /// </summary>
    public static SurveySession Start(IdentificationEngine engine, SurveyRequest request)
    {
        if (!engine.IsProject(request.Project))
            throw new IdentifyException(IdentifyError.UnknownProject, Messages.MessageText.Of("server.unknown-project-of", "Unknown project '{project}': use one of {projects}.",
                ("project", request.Project), ("projects", string.Join(", ", engine.Bundle.Checklist.Projects))));
        if (request.Counting is { } c && (c.MaxRank is < 1 or > SurveyEngine.MaxRank || !(c.MinScore is >= 0 and <= 1)))
            throw new SurveyException(SurveyError.BadCounting, Messages.MessageText.Of("server.survey.counting-range",
                "min_score must be between 0 and 1 and max_rank between 1 and {max}", ("max", SurveyEngine.MaxRank)));
        var (width, height, _) = SurveyEngine.Checked(request, engine.Limits);
        return new SurveySession(engine, request, width, height);
    }

    /// <summary>The photo's upright size, in pixels as sent.</summary>
    public int Width { get; }
    public int Height { get; }
    public TilingSettings Tiling { get; }
    public IReadOnlyList<Tile> Tiles { get; }
    public int Chunks => (Tiles.Count + SurveyEngine.Chunk - 1) / SurveyEngine.Chunk;
    /// <summary>What the survey costs (<see cref="SurveyCost.Units"/> of its tiles).</summary>
    public int Units => SurveyCost.Units(Tiles.Count);

    /// <summary>Identifies the windows of chunk <paramref name="index"/> (the first also decodes the photo and, for <c>best</c>, chooses the project).</summary>
    public void RunChunk(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Chunks);
        var source = Decode();
        // Project best: the whole photo (its centre square, as one identification sees it) scored once over the whole checklist.
        _project ??= _request.Project == ProjectChoice.Best ? ChooseProject(source) : _request.Project;
        var from = index * SurveyEngine.Chunk;
        var chunk = Tiles.Skip(from).Take(SurveyEngine.Chunk).ToList();
        var windows = chunk.Select(t => source.Crop(t.X, t.Y, t.Size)).ToList();
        var scored = _engine.ScoreWindows(windows, _project, _counting.MaxRank);
        var names = _engine.Bundle.Checklist.Taxa;
        var plantThreshold = _request.PlantThreshold ?? _engine.Bundle.Manifest.Inference.PlantThreshold;
        for (var k = 0; k < chunk.Count; k++)
        {
            // A window the model judges not to show a plant (bare soil, a gap between plants) names nobody.
            var plant = scored[k].PlantProbability >= plantThreshold;
            _results[from + k] = new TileResult(chunk[k], plant ? [.. scored[k].Taxa.Select(x => new TileLabel(names[x.Taxon].ScientificNameWithoutAuthor, x.Score))] : [])
            {
                Organ = scored[k].Organ,
            };
            _genera[from + k] = plant ? [.. scored[k].Genera.Select(g => new TileLabel(g.Name, g.Score))] : [];
            _families[from + k] = plant ? [.. scored[k].Families.Select(f => new TileLabel(f.Name, f.Score))] : [];
        }
    }

    /// <summary>
    /// The photo decoded (once; later calls return it): at the scale its smallest window needs. A server calls it before
    /// charging, so that pixels that cannot be decoded behind a good header cost nothing; otherwise the first chunk does.
    /// Throws <see cref="ImageInputException"/>.
    /// </summary>
    public TileSource Decode()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _source ??= ImageDecoder.DecodeForTiles(_request.Image, SurveyTiling.Sizes(Width, Height, Tiling)[0], _engine.Limits);
    }

    private string ChooseProject(TileSource source)
    {
        var side = Math.Min(source.Width, source.Height);
        return _engine.ChooseProject(source.Crop((source.Width - side) / 2, (source.Height - side) / 2, side));
    }

    /// <summary>
    /// The aggregated labels of the levels asked (<paramref name="levels"/>; null: every level), once every chunk has run:
    /// genus and family not asked are <see cref="SurveyAggregate.Empty"/> (their union areas are not computed). Species
    /// are always aggregated: the answer's matching windows and uncovered share are theirs.
    /// </summary>
    public SurveyResult Finish(SurveyLevels? levels = null)
    {
        if (Array.FindIndex(_results, r => r is null) is var missing && missing >= 0)
            throw new InvalidOperationException($"Chunk {missing / SurveyEngine.Chunk} has not run.");
        levels ??= new SurveyLevels(Species: true, Genus: true, Family: true);
        var tiles = _results.Select(r => r!).ToList();
        SurveyAggregate Level(bool asked, Func<int, IReadOnlyList<TileLabel>> labels) => !asked ? SurveyAggregate.Empty(tiles.Count) : SurveyRejection.Apply(
            SurveyAggregation.Aggregate(Width, Height, [.. tiles.Select((t, i) => t with { Labels = labels(i) })], _counting));
        return new SurveyResult(Width, Height, Level(true, i => tiles[i].Labels), _engine.Bundle.Manifest.Version)
        {
            Genus = Level(levels.Genus, i => _genera[i]),
            Family = Level(levels.Family, i => _families[i]),
            Project = _project ?? _request.Project,
            Tiling = Tiling,
            Counting = _counting,
        };
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _source?.Dispose();
        _source = null;
    }
}
