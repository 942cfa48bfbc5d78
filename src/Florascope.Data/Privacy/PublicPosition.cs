namespace Florascope.Data.Privacy;

/// <summary>A position in WGS84 degrees with its uncertainty radius in metres.</summary>
public readonly record struct GeoPosition(double Latitude, double Longitude, double? UncertaintyMeters);

/// <summary>
/// The one rule that decides the position the public sees (API, GeoJSON, pages, game, search,
/// exports and their filters). Open: the true position. Private: none. Obscured: a fixed random
/// point of the 0.2 x 0.2 degree cell holding the true one, with an uncertainty that covers the
/// cell; the point depends only on the cell and a server secret (<see cref="GeoprivacyKey"/>), so
/// every request, every edit inside the cell and every observation there shows the same point, and
/// averaging many of them tells nothing finer than the cell.
/// </summary>
public static class PublicPosition
{
    /// <summary>Cells per degree: 5 gives 0.2 degree cells (about 22 x 16 km at 45 degrees).</summary>
    public const int CellsPerDegree = 5;

    public const double CellDegrees = 1.0 / CellsPerDegree;

    public const double MetresPerDegree = 111_320;

    /// <summary>What the public gets: the author's choice, made at least obscured when the taxon is threatened (private stays private).</summary>
    public static Geoprivacy Effective(Geoprivacy chosen, bool threatened) =>
        chosen == Geoprivacy.Open && threatened ? Geoprivacy.Obscured : chosen;

    /// <summary>The cell (row from the south pole, column from the antimeridian) holding a position.</summary>
    public static (int Row, int Column) CellOf(double latitude, double longitude) =>
        (Math.Clamp((int)Math.Floor((latitude + 90) * CellsPerDegree), 0, 180 * CellsPerDegree - 1),
         Math.Clamp((int)Math.Floor((longitude + 180) * CellsPerDegree), 0, 360 * CellsPerDegree - 1));

    /// <summary>
    /// The public position of <paramref name="truePosition"/> under <paramref name="effective"/>
    /// geoprivacy. <paramref name="offset"/> is where in its cell an obscured point lies, as two
    /// fractions in [0, 1) (from <see cref="GeoprivacyKey.CellOffset"/>).
    /// </summary>
    public static GeoPosition? Of(GeoPosition? truePosition, Geoprivacy effective, Func<(int Row, int Column), (double U, double V)> offset)
    {
        if (truePosition is not { } p || effective == Geoprivacy.Private) return null;
        if (effective == Geoprivacy.Open) return p;
        var cell = CellOf(p.Latitude, p.Longitude);
        var (u, v) = offset(cell);
        if (!(u is >= 0 and < 1) || !(v is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(offset), "Offsets are fractions in [0, 1).");
        var south = -90 + (double)cell.Row / CellsPerDegree;
        var west = -180 + (double)cell.Column / CellsPerDegree;
        // Never larger than the true uncertainty: a point already vaguer than the cell stays as vague.
        var covering = Math.Max(CellDiagonalMeters(cell.Row), p.UncertaintyMeters ?? 0);
        return new GeoPosition(south + u * CellDegrees, west + v * CellDegrees, Math.Ceiling(covering));
    }

    /// <summary>
    /// The cell's diagonal in metres, measured along its wider edge (the one nearer the equator): any
    /// two points of the cell, the true one and the public one, are at most this far apart.
    /// </summary>
    public static double CellDiagonalMeters(int row)
    {
        var south = -90 + (double)row / CellsPerDegree;
        var north = south + CellDegrees;
        var widest = south <= 0 && north >= 0 ? 0 : Math.Min(Math.Abs(south), Math.Abs(north));
        var height = CellDegrees * MetresPerDegree;
        var width = CellDegrees * MetresPerDegree * Math.Cos(widest * Math.PI / 180);
        return Math.Sqrt(height * height + width * width);
    }
}
