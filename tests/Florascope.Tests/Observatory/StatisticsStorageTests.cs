using Florascope.Data;
using Florascope.Data.Observations;
using Florascope.Data.Privacy;
using Florascope.Data.Statistics;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Observatory;

public sealed class SqliteStatisticsStorageTests(SqliteStorageFixture fixture)
    : StatisticsStorageTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresStatisticsStorageTests(PostgresStorageFixture fixture)
    : StatisticsStorageTests(fixture), IClassFixture<PostgresStorageFixture>
{
    // Read in a session time zone far from UTC (UTC+14): months are UTC months whatever the server's zone.
    protected override FlorascopeDb Reader() =>
        (Fixture.Settings with { ConnectionString = Fixture.Settings.ConnectionString + ";Timezone=Pacific/Kiritimati" }).CreateContext();

    [Fact]
    public async Task TheFiguresAreReadInASessionFarFromUtc()
    {
        await using var db = Reader();
        var zone = await db.Database.SqlQueryRaw<string>("SELECT current_setting('TimeZone') AS \"Value\"").SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal("Pacific/Kiritimati", zone);
    }
}

/// <summary>
/// The /stats figures on every provider, from hand-made rows. Each test works in its own years (the
/// filter's dates), so the tests of one class share a database without seeing each other's rows.
/// </summary>
public abstract class StatisticsStorageTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTime Utc(int y, int m, int d, int h = 12, int min = 0) => new(y, m, d, h, min, 0, DateTimeKind.Utc);

    private static StatisticsFilter Years(int from, int to, string? project = null) =>
        new(project, Utc(from, 1, 1, 0), Utc(to + 1, 1, 1, 0));

    private static Observation Row(int author, DateTime observed, string? taxon = "Taraxacum officinale", bool valid = false, string project = "weurope",
        double? lat = null, double? lon = null, double? publicLat = null, double? publicLon = null) => new()
    {
        AuthorId = author,
        ObservedUtc = observed,
        TaxonName = taxon,
        IsValid = valid,
        Status = valid ? "valid" : "needs-votes",
        Project = project,
        Latitude = lat,
        Longitude = lon,
        PublicLatitude = publicLat,
        PublicLongitude = publicLon,
        Geoprivacy = lat is not null && publicLat is null ? Geoprivacy.Private : lat != publicLat ? Geoprivacy.Obscured : Geoprivacy.Open,
        CreatedUtc = observed,
        UpdatedUtc = observed,
    };

    protected StorageFixture Fixture => fixture;

    /// <summary>The context the figures are read with.</summary>
    protected virtual FlorascopeDb Reader() => fixture.NewContext();

    private async Task AddAsync(params Observation[] rows)
    {
        await using var db = fixture.NewContext();
        db.Observations.AddRange(rows);
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task MonthlyCountsObservationsValidOnesAndDistinctContributorsPerUtcMonth()
    {
        var a = await fixture.NewUserAsync();
        var b = await fixture.NewUserAsync();
        await AddAsync(
            Row(a, Utc(2030, 1, 5), valid: true),
            Row(a, Utc(2030, 1, 31, 23, 30)),
            Row(b, Utc(2030, 1, 20), valid: true),
            Row(b, Utc(2030, 2, 1, 0, 10)));

        await using var db = Reader();
        Assert.Equal([new MonthCount(2030, 1, 3, 2, 2), new MonthCount(2030, 2, 1, 0, 1)],
            await ObservatoryStatistics.MonthlyAsync(db, Years(2030, 2030), Ct));
        Assert.Equal([new MonthCount(2030, 2, 1, 0, 1)],
            await ObservatoryStatistics.MonthlyAsync(db, new StatisticsFilter(null, Utc(2030, 2, 1, 0), Utc(2030, 3, 1, 0)), Ct));
    }

    [Fact]
    public async Task MonthlyAndTotalsPerFlora()
    {
        var a = await fixture.NewUserAsync();
        var b = await fixture.NewUserAsync();
        await AddAsync(
            Row(a, Utc(2031, 3, 1), valid: true, project: "weurope"),
            Row(a, Utc(2031, 3, 2), project: "weurope"),
            Row(b, Utc(2031, 4, 1), valid: true, project: "weurope"),
            Row(b, Utc(2031, 3, 3), valid: true, project: "canada"));

        await using var db = Reader();
        Assert.Equal([new ProjectCount("weurope", 3, 2, 2), new ProjectCount("canada", 1, 1, 1)],
            await ObservatoryStatistics.ByProjectAsync(db, Years(2031, 2031), Ct));
        Assert.Equal([new MonthCount(2031, 3, 2, 1, 1), new MonthCount(2031, 4, 1, 1, 1)],
            await ObservatoryStatistics.MonthlyAsync(db, Years(2031, 2031, "weurope"), Ct));
        Assert.Equal([new MonthCount(2031, 3, 1, 1, 1)], await ObservatoryStatistics.MonthlyAsync(db, Years(2031, 2031, "canada"), Ct));
    }

    [Fact]
    public async Task TopTaxaAreOrderedByValidObservations()
    {
        var a = await fixture.NewUserAsync();
        await AddAsync(
            Row(a, Utc(2032, 5, 1), "Bellis perennis", valid: true),
            Row(a, Utc(2032, 5, 2), "Bellis perennis", valid: true),
            Row(a, Utc(2032, 5, 3), "Bellis perennis", valid: true),
            Row(a, Utc(2032, 5, 4), "Taraxacum officinale", valid: true),
            Row(a, Utc(2032, 5, 5), "Taraxacum officinale", valid: true),
            // Many observations, but not valid ones: they do not count.
            Row(a, Utc(2032, 5, 6), "Taraxacum officinale"),
            Row(a, Utc(2032, 5, 7), "Hedera helix"),
            Row(a, Utc(2032, 5, 8), "Hedera helix"),
            Row(a, Utc(2032, 5, 9), "Hedera helix"),
            Row(a, Utc(2032, 5, 9), "Hedera helix"),
            Row(a, Utc(2032, 5, 10), "Achillea millefolium", valid: true),
            Row(a, Utc(2032, 5, 11), null, valid: true));

        await using var db = Reader();
        Assert.Equal([new TaxonCount("Bellis perennis", 3), new TaxonCount("Taraxacum officinale", 2), new TaxonCount("Achillea millefolium", 1)],
            await ObservatoryStatistics.TopTaxaAsync(db, Years(2032, 2032), 10, Ct));
        Assert.Equal([new TaxonCount("Bellis perennis", 3)], await ObservatoryStatistics.TopTaxaAsync(db, Years(2032, 2032), 1, Ct));
    }

    [Fact]
    public async Task DistributionCountsPublicPositionsOnly()
    {
        var a = await fixture.NewUserAsync();
        const string taxon = "Ophrys apifera";
        await AddAsync(
            Row(a, Utc(2033, 6, 1), taxon, valid: true, lat: 45.5, lon: 4.5, publicLat: 45.5, publicLon: 4.5),
            Row(a, Utc(2033, 6, 2), taxon, lat: 45.9, lon: 4.1, publicLat: 45.9, publicLon: 4.1),
            // Obscured: the true point is in the cell above, the public one in another cell; it counts there.
            Row(a, Utc(2033, 6, 3), taxon, lat: 45.5, lon: 4.5, publicLat: 46.3, publicLon: 5.7),
            // Private: no public position, on no cell.
            Row(a, Utc(2033, 6, 4), taxon, lat: 45.5, lon: 4.5),
            Row(a, Utc(2033, 6, 5), taxon, lat: -0.5, lon: -0.5, publicLat: -0.5, publicLon: -0.5),
            Row(a, Utc(2033, 6, 6), "Bellis perennis", lat: 45.5, lon: 4.5, publicLat: 45.5, publicLon: 4.5));

        await using var db = Reader();
        var cells = await ObservatoryStatistics.DistributionAsync(db, Years(2033, 2033), taxon, StatisticsGrid.Of(1), Ct);
        Assert.Equal([new GridCellCount(45, 4, 1, 2, 1), new GridCellCount(-1, -1, 1, 1, 0), new GridCellCount(46, 5, 1, 1, 0)], cells);
        var coarse = await ObservatoryStatistics.DistributionAsync(db, Years(2033, 2033), taxon, StatisticsGrid.Of(10), Ct);
        Assert.Equal([new GridCellCount(40, 0, 10, 3, 1), new GridCellCount(-10, -10, 10, 1, 0)], coarse);
    }

    [Fact]
    public async Task PhenologyCountsByMonthOfTheYear()
    {
        var a = await fixture.NewUserAsync();
        const string taxon = "Primula veris";
        await AddAsync(
            Row(a, Utc(2034, 3, 10), taxon, valid: true),
            Row(a, Utc(2035, 3, 31, 23, 59), taxon),
            Row(a, Utc(2034, 7, 1), taxon),
            Row(a, Utc(2034, 4, 1), "Bellis perennis"));

        await using var db = Reader();
        var months = await ObservatoryStatistics.PhenologyAsync(db, Years(2034, 2035), taxon, Ct);
        Assert.Equal(Enumerable.Range(1, 12), months.Select(m => m.Month));
        Assert.Equal([0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0], months.Select(m => m.Observations));
        Assert.Equal([0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], months.Select(m => m.Valid));
    }
}
