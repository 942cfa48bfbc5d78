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
}
