using Florascope.Data.Observations;
using Florascope.Taxonomy;
using Microsoft.EntityFrameworkCore;
using Florascope.Messages;

namespace Florascope.Data.Statistics;

/// <summary>One month (UTC) of the observatory: observations, valid ones, and distinct authors.</summary>
public sealed record MonthCount(int Year, int Month, int Observations, int Valid, int Contributors);

/// <summary>One flora's totals: observations, valid ones, distinct authors.</summary>
public sealed record ProjectCount(string Project, int Observations, int Valid, int Contributors);

/// <summary>A taxon and its number of valid observations.</summary>
public sealed record TaxonCount(string TaxonName, int Valid);

/// <summary>Observations of a taxon in one month of the year (1-12), all years together.</summary>
public sealed record PhenologyMonth(int Month, int Observations, int Valid);

/// <summary>
/// What the observations filter on: a flora (null for all of them) and a range of observation
/// dates (UTC, inclusive of <see cref="FromUtc"/>, exclusive of <see cref="ToUtc"/>).
/// </summary>
public sealed record StatisticsFilter(string? Project = null, DateTime? FromUtc = null, DateTime? ToUtc = null)
{
    /// <summary>
    /// The filter, or an <see cref="ObservationException"/>: a date not written yyyy-MM-dd or a range
    /// that ends before it starts (400), an unknown flora (404). "all" is every flora, i.e. no filter.
    /// </summary>
    public static StatisticsFilter Of(Checklist checklist, string? project, string? fromDate, string? toDate)
    {
        var from = DateOf(fromDate, "from");
        var to = DateOf(toDate, "to");
        if (!string.IsNullOrEmpty(project) && !checklist.HasProject(project))
            throw new ObservationException(MessageText.Of("server.unknown-project", "Unknown project '{project}'.", ("project", project)), ObservationError.NotFound);
        if (from is { } f && to is { } t && t < f)
            throw new ObservationException(MessageText.Of("server.stats.to-before-from", "to is before from."));
        return new StatisticsFilter(project is null or Checklist.AllProject or "" ? null : project,
            from?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            // Inclusive of the whole last day.
            to?.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
    }

    private static DateOnly? DateOf(string? text, string name) =>
        string.IsNullOrEmpty(text) ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d) ? d
        : throw new ObservationException(MessageText.Of("server.stats.bad-date", "{name} is a date written yyyy-MM-dd.", ("name", name)));

    public IQueryable<Observation> Apply(IQueryable<Observation> source)
    {
        var q = source;
        if (Project is { } p) q = q.Where(o => o.Project == p);
        if (FromUtc is { } f) q = q.Where(o => o.ObservedUtc >= f);
        if (ToUtc is { } t) q = q.Where(o => o.ObservedUtc < t);
        return q;
    }
}

/// <summary>
/// The figures of the /stats page, each computed once here, by GROUP BY in the database (never by
/// loading rows).
/// Positions are the public ones only (geoprivacy): private observations have none and are not on the grid.
/// </summary>
public static class ObservatoryStatistics
{
    public const int MaxTopTaxa = 100;

    /// <summary>Per month (UTC) of observation: observations, valid ones, distinct authors; oldest first, months without any left out.</summary>
    public static async Task<List<MonthCount>> MonthlyAsync(FlorascopeDb db, StatisticsFilter filter, CancellationToken ct = default)
    {
        var rows = await filter.Apply(db.Observations.AsNoTracking())
            .GroupBy(o => new { o.ObservedUtc.Year, o.ObservedUtc.Month })
            .Select(g => new
            {
                g.Key.Year,
                g.Key.Month,
                Observations = g.Count(),
                Valid = g.Count(o => o.IsValid),
                Contributors = g.Select(o => o.AuthorId).Distinct().Count(),
            })
            .ToListAsync(ct);
        return [.. rows.Select(r => new MonthCount(r.Year, r.Month, r.Observations, r.Valid, r.Contributors))
            .OrderBy(r => r.Year).ThenBy(r => r.Month)];
    }

    /// <summary>Per flora the observations were made in: observations, valid ones, distinct authors; largest first.</summary>
    public static async Task<List<ProjectCount>> ByProjectAsync(FlorascopeDb db, StatisticsFilter filter, CancellationToken ct = default)
    {
        var rows = await filter.Apply(db.Observations.AsNoTracking())
            .GroupBy(o => o.Project)
            .Select(g => new
            {
                Project = g.Key,
                Observations = g.Count(),
                Valid = g.Count(o => o.IsValid),
                Contributors = g.Select(o => o.AuthorId).Distinct().Count(),
            })
            .ToListAsync(ct);
        return [.. rows.Select(r => new ProjectCount(r.Project, r.Observations, r.Valid, r.Contributors))
            .OrderByDescending(r => r.Observations).ThenBy(r => r.Project, StringComparer.Ordinal)];
    }

    public const int DefaultTopTaxa = 10;

    /// <summary>How many top taxa to list: <paramref name="top"/> or the default, or an <see cref="ObservationException"/> (400) out of 1..<see cref="MaxTopTaxa"/>.</summary>
    public static int TopTaxaLimit(string? top) =>
        top is null ? DefaultTopTaxa
        : int.TryParse(top, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxTopTaxa ? n
        : throw new ObservationException(MessageText.Of("server.stats.bad-top", "top is a whole number 1..{max}.", ("max", MaxTopTaxa)));

    /// <summary>The taxa with the most valid observations, most first (ties by name).</summary>
    public static async Task<List<TaxonCount>> TopTaxaAsync(FlorascopeDb db, StatisticsFilter filter, int limit, CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxTopTaxa) throw new ObservationException(MessageText.Of("server.stats.bad-top", "top is a whole number 1..{max}.", ("max", MaxTopTaxa)));
        var rows = await filter.Apply(db.Observations.AsNoTracking())
            .Where(o => o.IsValid && o.TaxonName != null)
            .GroupBy(o => o.TaxonName!)
            .Select(g => new { TaxonName = g.Key, Valid = g.Count() })
            .OrderByDescending(r => r.Valid).ThenBy(r => r.TaxonName)
            .Take(limit)
            .ToListAsync(ct);
        // Ties ordered again here: the databases' collations order names differently.
        return [.. rows.Select(r => new TaxonCount(r.TaxonName, r.Valid)).OrderByDescending(r => r.Valid).ThenBy(r => r.TaxonName, StringComparer.Ordinal)];
    }

    /// <summary>
    /// A taxon's observations counted on a grid of PUBLIC positions (an obscured observation counts
    /// in the cell of its public point, a private one nowhere); cells without any left out.
    /// </summary>
    public static async Task<List<GridCellCount>> DistributionAsync(FlorascopeDb db, StatisticsFilter filter, string taxonName, StatisticsGrid grid,
        CancellationToken ct = default)
    {
        var size = grid.Size;
        // Offsets make every index non-negative: floor() then agrees with the grid's rows and columns.
        var rows = await filter.Apply(db.Observations.AsNoTracking())
            .Where(o => o.TaxonName == taxonName && o.PublicLatitude != null && o.PublicLongitude != null)
            .GroupBy(o => new
            {
                Row = Math.Floor((o.PublicLatitude!.Value + 90) / size),
                Column = Math.Floor((o.PublicLongitude!.Value + 180) / size),
            })
            .Select(g => new { g.Key.Row, g.Key.Column, Observations = g.Count(), Valid = g.Count(o => o.IsValid) })
            .ToListAsync(ct);
        // The poles and the antimeridian fall in the last row or column: groups merged there.
        return [.. rows
            .GroupBy(r => (Row: Math.Min((int)r.Row, grid.Rows - 1), Column: Math.Min((int)r.Column, grid.Columns - 1)))
            .Select(g => new GridCellCount(grid.SouthOf(g.Key.Row), grid.WestOf(g.Key.Column), size, g.Sum(r => r.Observations), g.Sum(r => r.Valid)))
            .OrderByDescending(c => c.Observations).ThenBy(c => c.South).ThenBy(c => c.West)];
    }

    /// <summary>A taxon's observations by month of the year (UTC), 1-12, every month present.</summary>
    public static async Task<List<PhenologyMonth>> PhenologyAsync(FlorascopeDb db, StatisticsFilter filter, string taxonName, CancellationToken ct = default)
    {
        var rows = await filter.Apply(db.Observations.AsNoTracking())
            .Where(o => o.TaxonName == taxonName)
            .GroupBy(o => o.ObservedUtc.Month)
            .Select(g => new { Month = g.Key, Observations = g.Count(), Valid = g.Count(o => o.IsValid) })
            .ToListAsync(ct);
        return [.. Enumerable.Range(1, 12).Select(m => rows.FirstOrDefault(r => r.Month == m) is { } r
            ? new PhenologyMonth(m, r.Observations, r.Valid) : new PhenologyMonth(m, 0, 0))];
    }

    /// <summary>The checklist's name of a taxon (any typed name: <see cref="ObservationWriter.AcceptedName"/>), or an <see cref="ObservationException"/> (404) when it has none.</summary>
    public static string TaxonOf(Checklist checklist, string? name) =>
        (string.IsNullOrWhiteSpace(name) ? null : ObservationWriter.AcceptedName(checklist, name))
        ?? throw new ObservationException(MessageText.Of("server.unknown-taxon", "Unknown taxon '{name}'.", ("name", name)), ObservationError.NotFound);
}
