using System.Data.Common;
using Florascope.Data;
using Florascope.Data.Observations;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Observatory;

/// <summary>
/// The PostgreSQL-only geography column of the map (migration PostGisPublicPosition): its shape,
/// that it follows the public position and never the true one, and that the map's query reads
/// through its GiST index.
/// </summary>
public sealed class PostGisStorageTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTime Now = new(2026, 4, 2, 8, 0, 0, DateTimeKind.Utc);

    private static async Task<List<string>> ReadAsync(FlorascopeDb db, string sql, Action<DbCommand>? prepare = null)
    {
        await db.Database.OpenConnectionAsync(Ct);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        prepare?.Invoke(command);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<string>();
        while (await reader.ReadAsync(Ct))
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }

    [Fact]
    public async Task TheGeographyColumnIsGeneratedFromThePublicPositionAndHasAGistIndex()
    {
        await using var db = fixture.NewContext();
        var column = Assert.Single(await ReadAsync(db, """
            SELECT udt_name, is_generated, generation_expression FROM information_schema.columns
            WHERE table_name = 'observations' AND column_name = 'PublicPosition'
            """)).Split('|');
        Assert.Equal(["geography", "ALWAYS"], column[..2]);
        Assert.Contains("\"PublicLongitude\"", column[2], StringComparison.Ordinal);
        Assert.Contains("\"PublicLatitude\"", column[2], StringComparison.Ordinal);
        Assert.DoesNotContain("\"Latitude\"", column[2], StringComparison.Ordinal);
        Assert.Equal(["Point|4326"], await ReadAsync(db, """
            SELECT type, srid FROM geography_columns WHERE f_table_name = 'observations' AND f_geography_column = 'PublicPosition'
            """));
        var index = Assert.Single(await ReadAsync(db, "SELECT indexdef FROM pg_indexes WHERE indexname = 'IX_observations_PublicPosition'"));
        Assert.Contains("USING gist (\"PublicPosition\")", index, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheGeographyFollowsThePublicPositionNeverTheTrueOne()
    {
        var author = await fixture.NewUserAsync();
        await using var db = fixture.NewContext();
        Observation Row(double? publicLat, double? publicLon) => new()
        {
            AuthorId = author, ObservedUtc = Now, Latitude = 12.345678, Longitude = 23.456789,
            PublicLatitude = publicLat, PublicLongitude = publicLon, CreatedUtc = Now, UpdatedUtc = Now,
        };
        var obscured = Row(12.5, 23.5);
        var hidden = Row(null, null);
        db.Observations.AddRange(obscured, hidden);
        await db.SaveChangesAsync(Ct);
        async Task<string> PositionAsync(int id) => Assert.Single(await ReadAsync(db,
            $"""SELECT ST_Y("PublicPosition"::geometry), ST_X("PublicPosition"::geometry) FROM observations WHERE "Id" = {id}"""));
        Assert.Equal("12.5|23.5", await PositionAsync(obscured.Id));
        Assert.Equal("null|null", await PositionAsync(hidden.Id));
        // A change of the public position (an edit, a threat status, geoprivacy) moves it in the same statement.
        await db.Observations.Where(o => o.Id == obscured.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.PublicLatitude, (double?)null).SetProperty(o => o.PublicLongitude, (double?)null), Ct);
        await db.Observations.Where(o => o.Id == hidden.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.PublicLatitude, 12.25).SetProperty(o => o.PublicLongitude, 23.75), Ct);
        Assert.Equal("null|null", await PositionAsync(obscured.Id));
        Assert.Equal("12.25|23.75", await PositionAsync(hidden.Id));
    }

    [Fact]
    public async Task TheMapQueryReadsASparseViewportThroughTheGistIndex()
    {
        var author = await fixture.NewUserAsync();
        await using var db = fixture.NewContext();
        // 50,000 observations spread over the world, one new every minute.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO observations ("AuthorId", "ObservedUtc", "Latitude", "Longitude", "License", "Geoprivacy", "Project", "Confidence", "Accuracy",
                "IsValid", "Status", "CreatedUtc", "UpdatedUtc", "PublicLatitude", "PublicLongitude")
            SELECT {author}, {Now}, lat, lon, 'cc-by', 'open', 'all', 0, 0, false, 'needs-votes', {Now} + make_interval(mins => i), {Now} + make_interval(mins => i), lat, lon
            FROM (SELECT i, -70 + 140 * random() AS lat, -180 + 360 * random() AS lon FROM generate_series(1, 50000) AS i) AS points
            """, Ct);
        await db.Database.ExecuteSqlRawAsync("ANALYZE observations", Ct);
        var city = new BoundingBox(2.15, 48.66, 2.55, 49.06);
        var query = ObservationQueries.ByPosition(db, city, null, null, null, null, null, 1000, throughGeography: true);
        var plan = string.Join('\n', await ReadAsync(db, "", command =>
        {
            using var composed = query.CreateDbCommand();
            command.CommandText = "EXPLAIN " + composed.CommandText;
            foreach (DbParameter p in composed.Parameters)
            {
                var copy = command.CreateParameter();
                (copy.ParameterName, copy.Value, copy.DbType) = (p.ParameterName, p.Value, p.DbType);
                command.Parameters.Add(copy);
            }
        }));
        Assert.Contains("IX_observations_PublicPosition", plan, StringComparison.Ordinal);
        // And the rows are those of the query (nothing in the city box but what it holds).
        var inBox = await db.Observations.CountAsync(o => o.PublicLatitude >= city.MinLat && o.PublicLatitude <= city.MaxLat
            && o.PublicLongitude >= city.MinLon && o.PublicLongitude <= city.MaxLon, Ct);
        Assert.Equal(inBox, (await query.ToListAsync(Ct)).Count);
    }
    [Fact]
    public async Task AMonthOnTheMapIsMergedWeekByWeekThroughTheWeekIndexWithTheSameWeekNumbers()
    {
        var author = await fixture.NewUserAsync();
        await using var db = fixture.NewContext();
        // The database's week of a day is the one ObservedWeeks gives, on both sides of the anchor.
        foreach (var day in new[] { "1999-12-19", "1999-12-26", "1999-12-27", "2000-01-02", "2000-01-03", "2000-01-09", "2000-01-10", "2025-05-31" })
        {
            var utc = DateTime.SpecifyKind(DateTime.Parse(day, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
            var week = Assert.Single(await ReadAsync(db, $"""SELECT ((TIMESTAMPTZ '{day} 23:59:59+00' AT TIME ZONE 'UTC')::date - DATE '2000-01-03') / 7"""));
            Assert.Equal([int.Parse(week, System.Globalization.CultureInfo.InvariantCulture)], ObservationQueries.ObservedWeeks(utc, utc.AddHours(1)));
        }
        // 30,000 observations over a year, one saved every 20 minutes.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO observations ("AuthorId", "ObservedUtc", "Latitude", "Longitude", "License", "Geoprivacy", "Project", "Confidence", "Accuracy",
                "IsValid", "Status", "CreatedUtc", "UpdatedUtc", "PublicLatitude", "PublicLongitude")
            SELECT {author}, {Now} + make_interval(mins => 20 * i), lat, lon, 'cc-by', 'open', 'all', 0, 0, false, 'needs-votes',
                {Now} + make_interval(mins => 20 * i + 60), {Now} + make_interval(mins => 20 * i + 60), lat, lon
            FROM (SELECT i, 40 + 10 * random() AS lat, -5 + 13 * random() AS lon FROM generate_series(1, 30000) AS i) AS points
            """, Ct);
        await db.Database.ExecuteSqlRawAsync("ANALYZE observations", Ct);
        var (from, to) = (Now.AddDays(30), Now.AddDays(61));
        var query = ObservationQueries.ByObservedWeeks(db, new BoundingBox(-5, 42, 8, 51), null, null, null, from, to, 1000)!;
        var plan = await PlanAsync(db, query);
        Assert.True(plan.Contains("Index Only Scan Backward using \"IX_observations_ObservedWeek_CreatedUtc\"", StringComparison.Ordinal), plan + "\n" + query.ToQueryString());
        Assert.Null(ObservationQueries.ByObservedWeeks(db, null, null, null, null, from, null, 1000));
    }

    private static async Task<string> PlanAsync(FlorascopeDb db, IQueryable<MapPoint> query) =>
        string.Join('\n', await ReadAsync(db, "", command =>
        {
            using var composed = query.CreateDbCommand();
            command.CommandText = "EXPLAIN " + composed.CommandText;
            foreach (DbParameter p in composed.Parameters)
            {
                var copy = command.CreateParameter();
                (copy.ParameterName, copy.Value, copy.DbType) = (p.ParameterName, p.Value, p.DbType);
                command.Parameters.Add(copy);
            }
        }));
}
