using Florascope.Data.Observations;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Observatory;

public sealed class SqliteMapViewportStorageTests(SqliteStorageFixture fixture)
    : MapViewportStorageTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresMapViewportStorageTests(PostgresStorageFixture fixture)
    : MapViewportStorageTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>
/// The map's viewport query on every provider: on PostgreSQL it reads through the PostGIS
/// geography index (geodesic, so its edges differ from the degrees' box), and must still return
/// exactly the public positions inside the box in degrees, edges included.
/// </summary>
public abstract class MapViewportStorageTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTime Now = new(2026, 4, 2, 8, 0, 0, DateTimeKind.Utc);

    private async Task<int> AddAsync(int author, double lat, double lon, double? publicLat, double? publicLon)
    {
        await using var db = fixture.NewContext();
        var o = new Observation
        {
            AuthorId = author, ObservedUtc = Now, Latitude = lat, Longitude = lon, UncertaintyMeters = 10,
            PublicLatitude = publicLat, PublicLongitude = publicLon, PublicUncertaintyMeters = publicLat is null ? null : 10,
            CreatedUtc = Now, UpdatedUtc = Now,
        };
        db.Observations.Add(o);
        await db.SaveChangesAsync(Ct);
        return o.Id;
    }

    private Task<int> AddAsync(int author, double lat, double lon) => AddAsync(author, lat, lon, lat, lon);

    private async Task<List<int>> InAsync(BoundingBox? box, int limit = 5000)
    {
        await using var db = fixture.NewContext();
        return [.. (await ObservationQueries.InViewportAsync(db, box, null, null, null, null, limit, ct: Ct)).Select(p => p.Id).Order()];
    }

    [Fact]
    public async Task EdgesGeodesicBulgesAntimeridianPolesAndTheWholeWorld()
    {
        var author = await fixture.NewUserAsync();
        // A wide box (80 degrees) at high latitude, where a geodesic edge lies far from the parallel.
        var bottomEdge = await AddAsync(author, 50, 0);
        var justBelow = await AddAsync(author, 49.999, 0);
        var corner = await AddAsync(author, 70, 40);
        var inside = await AddAsync(author, 69.999, -39.999);
        var justEast = await AddAsync(author, 60, 40.001);
        // Fiji, on both sides of the antimeridian, and on it.
        var west = await AddAsync(author, -17, 179.9);
        var east = await AddAsync(author, -17, -179.9);
        var onIt = await AddAsync(author, -16, 180);
        // Near the north pole, and at it.
        var arctic = await AddAsync(author, 89.5, 10);
        var pole = await AddAsync(author, 90, 0);

        Assert.Equal([bottomEdge, corner, inside], await InAsync(new BoundingBox(-40, 50, 40, 70)));
        // The map clamps a viewport across the antimeridian to one side (js/map.js): each side finds its own.
        Assert.Equal([west, onIt], await InAsync(new BoundingBox(170, -20, 180, -10)));
        Assert.Equal([east], await InAsync(new BoundingBox(-180, -20, -170, -10)));
        Assert.Equal([arctic, pole], await InAsync(new BoundingBox(0, 80, 40, 90)));
        // Wider than one geography polygon: the degrees.
        Assert.Equal([bottomEdge, corner, inside, justEast], await InAsync(new BoundingBox(-100, 50, 100, 70)));
        // The whole world: every public position (other tests of the class add theirs).
        int[] mine = [bottomEdge, justBelow, corner, inside, justEast, west, east, onIt, arctic, pole];
        int everywhere;
        await using (var db = fixture.NewContext())
            everywhere = await db.Observations.CountAsync(o => o.PublicLatitude != null, Ct);
        foreach (var world in new[] { new BoundingBox(-180, -90, 180, 90), null })
        {
            var found = await InAsync(world);
            Assert.Equal(everywhere, found.Count);
            Assert.Subset(found.ToHashSet(), mine.ToHashSet());
        }
    }

    [Fact]
    public async Task OnlyPublicPositionsAreFound()
    {
        var author = await fixture.NewUserAsync();
        // A region of its own: (lat -40, lon 140).
        var open = await AddAsync(author, -40, 140);
        var hidden = await AddAsync(author, -40.01, 140.01, null, null);
        var movedOut = await AddAsync(author, -40.02, 140.02, -41.5, 141.5);
        var movedIn = await AddAsync(author, -43, 143, -40.03, 140.03);
        Assert.Equal([open, movedIn], await InAsync(new BoundingBox(139.9, -40.1, 140.1, -39.9)));
        Assert.Equal([movedOut], await InAsync(new BoundingBox(141.4, -41.6, 141.6, -41.4)));
        Assert.Empty(await InAsync(new BoundingBox(142.9, -43.1, 143.1, -42.9)));
    }

    [Fact]
    public async Task RandomViewportsFindExactlyThePointsInsideThemInDegrees()
    {
        var author = await fixture.NewUserAsync();
        var random = new Random(13);
        var points = new List<(double Lat, double Lon)>();
        await using (var db = fixture.NewContext())
        {
            // Southern hemisphere below -45: no other test of this class goes there.
            for (var i = 0; i < 1500; i++)
            {
                var (lat, lon) = (-85 + random.NextDouble() * 40, -180 + random.NextDouble() * 360);
                points.Add((lat, lon));
                db.Observations.Add(new Observation
                {
                    AuthorId = author, ObservedUtc = Now, Latitude = lat, Longitude = lon, PublicLatitude = lat, PublicLongitude = lon,
                    CreatedUtc = Now, UpdatedUtc = Now,
                });
            }
            await db.SaveChangesAsync(Ct);
        }
        for (var k = 0; k < 40; k++)
        {
            var (width, height) = (0.5 + random.NextDouble() * 89.5, 0.5 + random.NextDouble() * 30);
            var minLon = -180 + random.NextDouble() * (360 - width);
            var minLat = -84 + random.NextDouble() * (38 - height);
            var box = new BoundingBox(minLon, minLat, minLon + width, Math.Min(-45.5, minLat + height));
            var expected = points.Count(p => p.Lat >= box.MinLat && p.Lat <= box.MaxLat && p.Lon >= box.MinLon && p.Lon <= box.MaxLon);
            var found = await InAsync(box);
            Assert.True(expected == found.Count, $"{box}: {found.Count} found, {expected} inside");
        }
    }
    [Fact]
    public async Task ADateRangeFindsTheNewestSavedOfThoseObservedInItWhateverTheDelay()
    {
        var author = await fixture.NewUserAsync();
        var random = new Random(7);
        var rows = new List<(int Id, DateTime Observed, DateTime Created, double Lat, double Lon, string Taxon)>();
        await using (var db = fixture.NewContext())
        {
            // A region of its own (lat 10-20, lon 100-110); observed over 14 weeks across the new year 2000
            // (the weeks' anchor) and over 14 weeks of 2025, saved from a day before to a year after.
            var added = new List<Observation>();
            for (var i = 0; i < 400; i++)
            {
                var start = i % 2 == 0 ? new DateTime(1999, 11, 20, 0, 0, 0, DateTimeKind.Utc) : new DateTime(2025, 4, 10, 0, 0, 0, DateTimeKind.Utc);
                var observed = start.AddMinutes(random.Next(14 * 7 * 24 * 60));
                var created = observed.AddMinutes(random.Next(4) switch { 0 => -random.Next(24 * 60), 1 => random.Next(3 * 24 * 60), 2 => random.Next(60 * 24 * 60), _ => random.Next(365 * 24 * 60) })
                    .AddMilliseconds(i); // distinct, so the newest are one set
                var (lat, lon) = (10 + random.NextDouble() * 10, 100 + random.NextDouble() * 10);
                var o = new Observation
                {
                    AuthorId = author, ObservedUtc = observed, Latitude = lat, Longitude = lon, PublicLatitude = lat, PublicLongitude = lon,
                    TaxonName = i % 3 == 0 ? "Bellis perennis" : "Taraxacum officinale", CreatedUtc = created, UpdatedUtc = created,
                };
                added.Add(o);
                db.Observations.Add(o);
            }
            await db.SaveChangesAsync(Ct);
            rows.AddRange(added.Select(o => (o.Id, o.ObservedUtc, o.CreatedUtc, o.PublicLatitude!.Value, o.PublicLongitude!.Value, o.TaxonName!)));
        }
        var region = new BoundingBox(100, 10, 110, 20);
        var west = new BoundingBox(100, 10, 105, 20);
        var ranges = new (DateTime From, DateTime To)[]
        {
            (new(1999, 12, 20, 6, 30, 0, DateTimeKind.Utc), new(2000, 1, 20, 17, 0, 0, DateTimeKind.Utc)),
            (new(2025, 5, 1, 0, 0, 0, DateTimeKind.Utc), new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc)),
            (new(2025, 5, 7, 12, 0, 0, DateTimeKind.Utc), new(2025, 5, 7, 18, 0, 0, DateTimeKind.Utc)),
            (new(1999, 11, 1, 0, 0, 0, DateTimeKind.Utc), new(2025, 12, 31, 0, 0, 0, DateTimeKind.Utc)),
        };
        foreach (var (from, to) in ranges)
            foreach (var box in new[] { region, west })
                foreach (var taxon in new[] { null, "Bellis perennis" })
                    foreach (var limit in new[] { 5, 1000 })
                    {
                        var expected = rows.Where(r => r.Observed >= from && r.Observed <= to && r.Lat >= box.MinLat && r.Lat <= box.MaxLat
                                && r.Lon >= box.MinLon && r.Lon <= box.MaxLon && (taxon is null || r.Taxon == taxon))
                            .OrderByDescending(r => r.Created).Take(limit).Select(r => r.Id).ToList();
                        await using var db = fixture.NewContext();
                        var found = await ObservationQueries.InViewportAsync(db, box, taxon, null, from, to, limit, ct: Ct);
                        Assert.Equal(expected, found.Select(p => p.Id));
                    }
    }
}
