using Florascope.Messages;

namespace Florascope.Survey;

/// <summary>A square window of a survey photo, in pixels of the photo as sent (left, top, side).</summary>
public readonly record struct Tile(int X, int Y, int Size)
{
    public double CenterX => X + Size / 2.0;
    public double CenterY => Y + Size / 2.0;
}

/// <summary>
/// How a plot photo is cut, with Pl@ntNet's survey defaults: the smallest window <see cref="TileSize"/> px moved by
/// <see cref="Stride"/> px; with <see cref="MultiScale"/> the window grows by <see cref="SizeFactor"/> (the stride with
/// it) up to the photo's short side.
/// </summary>
public sealed record TilingSettings
{
    public const int DefaultTileSize = 600;
    public const int DefaultStride = 300;
    /// <summary>The most tiles one survey may make: a request that would make more is refused before any work.</summary>
    public const int MaxTiles = 1000;
    public static readonly double DefaultSizeFactor = Math.Sqrt(2);

    public int TileSize { get; init; } = DefaultTileSize;
    public int Stride { get; init; } = DefaultStride;
    public bool MultiScale { get; init; } = true;
    public double SizeFactor { get; init; } = DefaultSizeFactor;

    /// <summary>
    /// The settings from a request's optional fields, Pl@ntNet's defaults for those absent. An absent stride is
    /// min(<see cref="DefaultStride"/>, tile size / 2): half-overlapping windows as with the defaults, so that a small
    /// tile_size alone is not refused about a tile_stride the client never sent. Bounds are checked by <see cref="Problem"/>.
    /// </summary>
    public static TilingSettings From(int? tileSize = null, int? stride = null, bool? multiScale = null, double? sizeFactor = null)
    {
        var size = tileSize ?? DefaultTileSize;
        return new TilingSettings
        {
            TileSize = size,
            Stride = stride ?? Math.Min(DefaultStride, size / 2),
            MultiScale = multiScale ?? true,
            SizeFactor = sizeFactor ?? DefaultSizeFactor,
        };
    }

    /// <summary>Why these settings cannot be used, or null.</summary>
    public MessageText? Problem() =>
        TileSize is < 64 or > 10_000 ? MessageText.Of("server.survey.tile-size-range", "tile_size must be between {min} and {max} px", ("min", 64), ("max", 10_000))
        : Stride < 16 || Stride > TileSize ? MessageText.Of("server.survey.tile-stride-range", "tile_stride must be between {min} px and tile_size", ("min", 16))
        : !double.IsFinite(SizeFactor) || SizeFactor < 1.1 || SizeFactor > 4 ? MessageText.Of("server.survey.size-factor-range", "size_factor must be between {min} and {max}", ("min", 1.1), ("max", 4))
        : null;
}

/// <summary>The windows of a survey (pure): every scale covers the whole photo, its last row and column flush with the edges.</summary>
public static class SurveyTiling
{
    /// <summary>The window sides, smallest first: the tile size (at most the short side), grown by the factor, ending at the short side.</summary>
    public static IReadOnlyList<int> Sizes(int width, int height, TilingSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var shortSide = Math.Min(width, height);
        var first = Math.Min(settings.TileSize, shortSide);
        var sizes = new List<int> { first };
        if (!settings.MultiScale) return sizes;
        for (var s = first * settings.SizeFactor; ; s *= settings.SizeFactor)
        {
            // A scale within 5 % of the short side is the short side itself (no near-duplicate last scale).
            if (s >= shortSide * 0.95)
            {
                if (sizes[^1] < shortSide) sizes.Add(shortSide);
                return sizes;
            }
            sizes.Add((int)Math.Round(s));
        }
    }

    /// <summary>How many windows <see cref="Tiles"/> makes, without making them (the cheap check before any work).</summary>
    public static int Count(int width, int height, TilingSettings settings) =>
        Sizes(width, height, settings).Sum(size => Positions(width, size, StrideAt(size, settings)) * Positions(height, size, StrideAt(size, settings)));

    /// <summary>Every window, scale by scale, row by row.</summary>
    public static IReadOnlyList<Tile> Tiles(int width, int height, TilingSettings settings)
    {
        var tiles = new List<Tile>();
        foreach (var size in Sizes(width, height, settings))
        {
            var stride = StrideAt(size, settings);
            var nx = Positions(width, size, stride);
            var ny = Positions(height, size, stride);
            for (var j = 0; j < ny; j++)
                for (var i = 0; i < nx; i++)
                    tiles.Add(new Tile(Offset(i, nx, width, size), Offset(j, ny, height, size), size));
        }
        return tiles;
    }

    /// <summary>The stride grows with the window, keeping the overlap of the smallest scale.</summary>
    private static int StrideAt(int size, TilingSettings settings) =>
        Math.Max(1, (int)Math.Round(settings.Stride * (double)size / settings.TileSize));

    /// <summary>Windows along one side: enough for a step of at most the stride, the last flush with the edge.</summary>
    private static int Positions(int length, int size, int stride) =>
        length <= size ? 1 : (int)Math.Ceiling((length - size) / (double)stride) + 1;

    /// <summary>Evenly spread offsets from 0 to length - size (steps of at most the stride).</summary>
    private static int Offset(int index, int count, int length, int size) =>
        count == 1 ? 0 : (int)Math.Round(index * (length - size) / (double)(count - 1));
}
