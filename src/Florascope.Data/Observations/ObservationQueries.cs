using System.Runtime.CompilerServices;
using Florascope.Paging;
using Florascope.Taxonomy;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Observations;

/// <summary>A point on the map, at the observation's public position (geoprivacy).</summary>
public sealed record MapPoint(int Id, string? TaxonName, DateTime ObservedUtc, double Latitude, double Longitude);

/// <summary>One line of the latest-observations list, with the observation's public position (geoprivacy).</summary>
public sealed record LatestRow(int Id, string? TaxonName, DateTime ObservedUtc, double? Latitude, double? Longitude, int AuthorId,
    string? AuthorName, string? FirstPhoto, DateTime CreatedUtc, string Status, string? AuthorUserName = null);

/// <summary>A map viewport in degrees.</summary>
public sealed record BoundingBox(double MinLon, double MinLat, double MaxLon, double MaxLat);

/// <summary>
/// The read queries behind the pages and the map, shared by the API and the scale benchmark.
/// </summary>
public static class ObservationQueries
{
    /// <summary>
    /// The stored name a typed taxon filter means: observations store the checklist's accepted
    /// spelling, so a synonym, a common name (any language) or another case resolves to it through
    /// <paramref name="checklist"/> (the running model's, imported projects composed in;
    /// <see cref="ObservationWriter.AcceptedName"/>); a name it does not know stays as typed, and a
    /// common name of several taxa is refused (400) with them.
    /// </summary>
    public static string? TaxonFilter(string? typed, Checklist? checklist)
    {
        if (string.IsNullOrEmpty(typed) || checklist is null) return string.IsNullOrEmpty(typed) ? null : typed;
        return ObservationWriter.AcceptedName(checklist, typed) ?? typed;
    }

    /// <param name="checklist">Resolves <paramref name="taxon"/> (<see cref="TaxonFilter"/>); null compares it as written.</param>
    public static Task<List<LatestRow>> LatestAsync(FlorascopeDb db, int page, int pageSize, string? taxon = null, int? authorId = null,
        Checklist? checklist = null, CancellationToken ct = default)
    {
        // Past the end, not wrapped around to the first page; below this, the int offset cannot overflow.
        if (new PageRequest(page, pageSize).IsPastAnyList) return Task.FromResult(new List<LatestRow>());
        var query = db.Observations.AsNoTracking();
        // Also as typed: observations saved before a checklist made their name a synonym keep it.
        if (TaxonFilter(taxon, checklist) is { } name) query = query.Where(o => o.TaxonName == name || o.TaxonName == taxon);
        if (authorId is { } a) query = query.Where(o => o.AuthorId == a);
        return query.OrderByDescending(o => o.CreatedUtc).ThenByDescending(o => o.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(o => new LatestRow(o.Id, o.TaxonName, o.ObservedUtc, o.PublicLatitude, o.PublicLongitude, o.AuthorId,
                db.Users.Where(x => x.Id == o.AuthorId).Select(x => x.DisplayName).FirstOrDefault(),
                // A photo the community voted out is never the one shown for the observation.
                o.Photos.Where(x => x.ExcludedBecause == null).OrderBy(x => x.Position).Select(x => x.Sha256).FirstOrDefault(),
                o.CreatedUtc, o.Status,
                // Shown beside the display name, which anyone can choose (impersonation).
                db.Users.Where(x => x.Id == o.AuthorId).Select(x => x.UserName).FirstOrDefault()))
            .ToListAsync(ct);
    }

    /// <summary>
    /// The first photo (by position) of each observation, leaving out those the community voted out,
    /// as in the lists: the map's popups show it. Read apart from the viewport query, for the rows it
    /// returned only, so that query's plans stay as measured.
    /// </summary>
    public static async Task<Dictionary<int, string>> FirstPhotosAsync(FlorascopeDb db, IReadOnlyCollection<int> observationIds, CancellationToken ct = default)
    {
        if (observationIds.Count == 0) return [];
        var photos = await db.ObservationPhotos.AsNoTracking()
            .Where(p => observationIds.Contains(p.ObservationId) && p.ExcludedBecause == null)
            .Select(p => new { p.ObservationId, p.Position, p.Sha256 }).ToListAsync(ct);
        return photos.GroupBy(p => p.ObservationId).ToDictionary(g => g.Key, g => g.MinBy(p => p.Position)!.Sha256);
    }

    /// <summary>Rows scanned newest-first before the viewport query falls back to the position index.</summary>
    public const int NewestScan = 20_000;

    /// <summary>Largest date range, in rows, read whole through the date index.</summary>
    public const int DateWindow = 200_000;

    /// <summary>
    /// <see cref="DateWindow"/> on PostgreSQL, where the date index covers the map's columns, so the
    /// range is counted and read from the index alone (at 10M rows a month of 360,000 took 0.17 s
    /// this way, 0.7 s through the newest-first scan the planner otherwise prefers).
    /// </summary>
    public const int CoveredDateWindow = 1_000_000;

    /// <summary>
    /// The newest <paramref name="limit"/> observations with a position inside the box (and the
    /// filters). Two plans, because no single index serves every viewport: a large viewport holds
    /// enough of the newest observations, found by scanning them newest-first; a small one has few
    /// rows in all, found through the position index and then sorted; a short date range is read
    /// whole through the date index, or on PostgreSQL week by week (<see cref="ByObservedWeeks"/>).
    /// </summary>
    /// <param name="checklist">Resolves <paramref name="taxon"/> (<see cref="TaxonFilter"/>); null compares it as written.</param>
    public static async Task<List<MapPoint>> InViewportAsync(FlorascopeDb db, BoundingBox? box, string? taxon, string? project,
        DateTime? fromUtc, DateTime? toUtc, int limit, Checklist? checklist = null, CancellationToken ct = default)
    {
        var typed = taxon;
        taxon = TaxonFilter(taxon, checklist);
        // A bounded date range on PostgreSQL: about `limit` rows read per week, not every row of the range counted and sorted.
        if (ByObservedWeeks(db, box, taxon, typed, project, fromUtc, toUtc, limit) is { } merged) return await merged.ToListAsync(ct);
        var all = db.Observations.AsNoTracking();
        var newest = all.OrderByDescending(o => o.CreatedUtc).Take(NewestScan);
        var fast = await Filter(newest, box, taxon, typed, project, fromUtc, toUtc, limit).ToListAsync(ct);
        if (fast.Count == limit) return fast;
        if (fromUtc is not null || toUtc is not null)
        {
            // A date range that holds few rows is read whole through the date index.
            var inRange = all;
            if (fromUtc is { } f) inRange = inRange.Where(o => o.ObservedUtc >= f);
            if (toUtc is { } t) inRange = inRange.Where(o => o.ObservedUtc <= t);
            var rows = db.Database.IsNpgsql() ? CoveredDateWindow : DateWindow;
            var window = inRange.OrderByDescending(o => o.ObservedUtc).Take(rows + 1);
            if (await window.CountAsync(ct) <= rows)
                return await Filter(window, box, taxon, typed, project, null, null, limit).ToListAsync(ct);
        }
        // Sparse: the newest rows held almost none of the viewport (and nothing else filters), so it holds few rows in all.
        var sparse = fast.Count < SparseSample && taxon is null && string.IsNullOrEmpty(project) && fromUtc is null && toUtc is null;
        return await ByPosition(db, box, taxon, typed, project, fromUtc, toUtc, limit, throughGeography: sparse).ToListAsync(ct);
    }

    /// <summary>Widest date range, in weeks (<see cref="ObservedWeeks"/>), merged week by week on PostgreSQL.</summary>
    public const int MaxMergedWeeks = 27;

    /// <summary>The Monday from which observation weeks are counted (PostgreSQL migration <c>ObservedWeekIndex</c>).</summary>
    private static readonly DateTime WeekZero = new(2000, 1, 3, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// The week numbers, as the PostgreSQL index <c>IX_observations_ObservedWeek_CreatedUtc</c> computes them
    /// (<c>(("ObservedUtc" AT TIME ZONE 'UTC')::date - DATE '2000-01-03') / 7</c>, integer division toward zero),
    /// of every UTC day from <paramref name="fromUtc"/> to <paramref name="toUtc"/>, in order; null for an empty
    /// range or one of more than <see cref="MaxMergedWeeks"/> weeks.
    /// </summary>
    public static IReadOnlyList<int>? ObservedWeeks(DateTime fromUtc, DateTime toUtc)
    {
        if (toUtc < fromUtc || (toUtc.Date - fromUtc.Date).TotalDays > 7.0 * MaxMergedWeeks) return null;
        var weeks = new List<int>();
        for (var day = fromUtc.Date; day <= toUtc.Date; day = day.AddDays(1))
            if (Week(day) is var w && (weeks.Count == 0 || weeks[^1] != w)) weeks.Add(w);
        return weeks.Count <= MaxMergedWeeks ? weeks : null;
    }

    // Truncated toward zero, as PostgreSQL's integer division: days before the anchor share week 0 with those after.
    private static int Week(DateTime day) => (int)(day - WeekZero).TotalDays / 7;

    /// <summary>
    /// On PostgreSQL, for a date range of at most <see cref="MaxMergedWeeks"/> weeks: the map's query week by
    /// week, each week's newest <paramref name="limit"/> read backwards from the index on (week, CreatedUtc)
    /// that covers the map's columns (the week is a constant in its own branch, so the index yields CreatedUtc
    /// order and the scan stops at the limit), then the branches merged newest-first. This reads about
    /// `limit` rows per week instead of reading and sorting every row of the range (at 10M rows a month holds
    /// 360,000). Exact whatever the delay between observing and saving: the week only picks the branch.
    /// Null elsewhere (SQLite, an open or longer range).
    /// </summary>
    internal static IQueryable<MapPoint>? ByObservedWeeks(FlorascopeDb db, BoundingBox? box, string? taxon, string? typed, string? project,
        DateTime? fromUtc, DateTime? toUtc, int limit)
    {
        if (!db.Database.IsNpgsql() || fromUtc is not { } from || toUtc is not { } to || ObservedWeeks(from, to) is not { } weeks) return null;
        var merged = weeks.Select((week, i) => Newest(ObservedInWeek(db, week, i == 0 ? from : null, i == weeks.Count - 1 ? to : null),
            box, taxon, typed, project, null, null, limit)).Aggregate((all, next) => all.Concat(next));
        return merged.OrderByDescending(o => o.CreatedUtc).Take(limit).Select(ToPoint);
    }

    /// <summary>
    /// The observations of one week, observed from <paramref name="fromUtc"/> (the range's first week) and up to
    /// <paramref name="toUtc"/> (its last). The weeks between lie wholly inside the range and test no date: a
    /// date test beside the week would tempt the planner to the date index and a sort of the whole range.
    /// </summary>
    private static IQueryable<Observation> ObservedInWeek(FlorascopeDb db, int week, DateTime? fromUtc, DateTime? toUtc)
    {
        var sql = """SELECT * FROM observations WHERE (("ObservedUtc" AT TIME ZONE 'UTC')::date - DATE '2000-01-03') / 7 = {0}""";
        List<object> args = [week];
        if (fromUtc is { } f) { sql += $$""" AND "ObservedUtc" >= {{{args.Count}}}"""; args.Add(f); }
        if (toUtc is { } t) { sql += $$""" AND "ObservedUtc" <= {{{args.Count}}}"""; args.Add(t); }
        return db.Observations.FromSql(FormattableStringFactory.Create(sql, [.. args])).AsNoTracking();
    }

    /// <summary>
    /// Fewer matches than this among the <see cref="NewestScan"/> newest rows make a viewport sparse:
    /// read through the PostGIS index. A dense one is not: its many rows lie on as many heap pages,
    /// while the covering B-tree on the degrees holds every column the map needs (measured at 10M:
    /// a city viewport of 37,000 rows took 0.6 s through GiST, 0.06 s from the covering index).
    /// </summary>
    public const int SparseSample = 3;

    /// <summary>
    /// The last plan, for a viewport that neither the newest rows nor a short date range filled: the
    /// rows found through a position index, then sorted: the geography's GiST index on PostgreSQL for a
    /// sparse viewport (<paramref name="throughGeography"/>, see <see cref="NearBox"/>), else the B-tree on
    /// the degrees (or the taxon's, or the dates': the database's planner chooses).
    /// </summary>
    internal static IQueryable<MapPoint> ByPosition(FlorascopeDb db, BoundingBox? box, string? taxon, string? typed, string? project,
        DateTime? fromUtc, DateTime? toUtc, int limit, bool throughGeography) =>
        (throughGeography ? NearBox(db, box) : null) is { } near
            ? Filter(near.AsNoTracking(), null, taxon, typed, project, fromUtc, toUtc, limit)
            : Filter(db.Observations.AsNoTracking(), box, taxon, typed, project, fromUtc, toUtc, limit);

    /// <summary>Widest viewport, in degrees of longitude, read through the PostGIS index; wider ones are served by the newest rows.</summary>
    public const double GeographyMaxSpan = 90;

    /// <summary>
    /// On PostgreSQL, the observations inside <paramref name="box"/> through the GiST index of the
    /// geography column "PublicPosition" (PostgreSQL migrations only; derived from the public
    /// position, so geoprivacy holds). The index finds a superset (geodesic edges, so the box is
    /// widened and its edges cut into 1-degree pieces), then the exact degree test on the point's own
    /// coordinates keeps the rows inside, and no B-tree predicate competes with the GiST index.
    /// Null elsewhere, and for boxes too large for one geography polygon (over
    /// <see cref="GeographyMaxSpan"/> or near a pole): the caller filters on the degrees (SQLite, B-tree).
    /// </summary>
    private static IQueryable<Observation>? NearBox(FlorascopeDb db, BoundingBox? box)
    {
        const double margin = 0.01;
        if (box is not { } b || !db.Database.IsNpgsql() || b.MaxLon - b.MinLon > GeographyMaxSpan || b.MaxLat - b.MinLat > GeographyMaxSpan
            || b.MinLat - margin <= -85 || b.MaxLat + margin >= 85) return null;
        var (minLon, minLat, maxLon, maxLat) = (b.MinLon, b.MinLat, b.MaxLon, b.MaxLat);
        var (west, east) = (Math.Max(-180, minLon - margin), Math.Min(180, maxLon + margin));
        var (south, north) = (minLat - margin, maxLat + margin);
        return db.Observations.FromSql($"""
            SELECT * FROM observations
            WHERE "PublicPosition" && ST_Segmentize(ST_MakeEnvelope({west}, {south}, {east}, {north}, 4326), 1.0)::geography
              AND ST_Y("PublicPosition"::geometry) BETWEEN {minLat} AND {maxLat}
              AND ST_X("PublicPosition"::geometry) BETWEEN {minLon} AND {maxLon}
            """);
    }

    private static IQueryable<MapPoint> Filter(IQueryable<Observation> source, BoundingBox? box, string? taxon, string? typed, string? project,
        DateTime? fromUtc, DateTime? toUtc, int limit) =>
        Newest(source, box, taxon, typed, project, fromUtc, toUtc, limit).Select(ToPoint);

    private static readonly System.Linq.Expressions.Expression<Func<Observation, MapPoint>> ToPoint =
        o => new MapPoint(o.Id, o.TaxonName, o.ObservedUtc, o.PublicLatitude!.Value, o.PublicLongitude!.Value);

    /// <summary>The newest <paramref name="limit"/> observations of <paramref name="source"/> the map shows, newest saved first.</summary>
    private static IQueryable<Observation> Newest(IQueryable<Observation> source, BoundingBox? box, string? taxon, string? typed, string? project,
        DateTime? fromUtc, DateTime? toUtc, int limit)
    {
        // Public positions only, in the filter too: a tiny box around a true point must find nothing.
        var query = source.Where(o => o.PublicLatitude != null && o.PublicLongitude != null);
        if (box is { } b)
            query = query.Where(o => o.PublicLatitude >= b.MinLat && o.PublicLatitude <= b.MaxLat && o.PublicLongitude >= b.MinLon && o.PublicLongitude <= b.MaxLon);
        // Also as typed: observations saved before a checklist made their name a synonym keep it.
        if (!string.IsNullOrEmpty(taxon)) query = query.Where(o => o.TaxonName == taxon || o.TaxonName == typed);
        if (!string.IsNullOrEmpty(project)) query = query.Where(o => o.Project == project);
        if (fromUtc is { } f) query = query.Where(o => o.ObservedUtc >= f);
        if (toUtc is { } t) query = query.Where(o => o.ObservedUtc <= t);
        return query.OrderByDescending(o => o.CreatedUtc).Take(limit);
    }
}
