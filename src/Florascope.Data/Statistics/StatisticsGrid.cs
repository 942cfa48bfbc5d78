using Florascope.Messages;

namespace Florascope.Data.Statistics;

/// <summary>One cell of a distribution grid: its south-west corner, size in degrees, and counts.</summary>
public sealed record GridCellCount(double South, double West, double Size, int Observations, int Valid);

/// <summary>
/// A square grid in degrees anchored at (-90, -180), so every cell index is non-negative and the
/// database's floor() and C# agree on it. The size is bounded: below the geoprivacy cell (0.2 degree)
/// a grid would only draw obscured points as if they were exact; above 10 degrees it says nothing.
/// </summary>
public readonly record struct StatisticsGrid
{
    public const double MinSize = 0.2;
    public const double MaxSize = 10;
    public const double DefaultSize = 1;

    public double Size { get; }

    private StatisticsGrid(double size) => Size = size;

    /// <summary>The grid, or an <see cref="Observations.ObservationException"/> (400) when the size is out of bounds.</summary>
    public static StatisticsGrid Of(double? size)
    {
        var s = size ?? DefaultSize;
        if (!double.IsFinite(s) || s < MinSize || s > MaxSize)
            throw new Observations.ObservationException(MessageText.Of("server.stats.bad-cell", "cell is a size in degrees from {min} to {max}.", ("min", MinSize), ("max", MaxSize)));
        return new StatisticsGrid(s);
    }

    /// <summary>Row of a latitude (0 at the south pole); the north pole belongs to the last row.</summary>
    public int Row(double latitude) => Math.Min((int)Math.Floor((latitude + 90) / Size), Rows - 1);

    /// <summary>Column of a longitude (0 at -180); 180 belongs to the last column.</summary>
    public int Column(double longitude) => Math.Min((int)Math.Floor((longitude + 180) / Size), Columns - 1);

    // The epsilon keeps 180 / 0.2 (899.99...) from rounding up to an extra row.
    public int Rows => (int)Math.Ceiling(180 / Size - 1e-9);
    public int Columns => (int)Math.Ceiling(360 / Size - 1e-9);

    // Rounded to a nanodegree so that 694 x 0.2 - 90 reads 48.8, not 48.80000000000001.
    public double SouthOf(int row) => Math.Round(row * Size - 90, 9);
    public double WestOf(int column) => Math.Round(column * Size - 180, 9);
}
