using Florascope.Data.Observations;
using Florascope.Data.Privacy;
using Florascope.Tests.Observatory;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Privacy;

public sealed class SqlitePublicPositionStorageTests(SqliteStorageFixture fixture)
    : PublicPositionStorageTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresPublicPositionStorageTests(PostgresStorageFixture fixture)
    : PublicPositionStorageTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>The queries and the refresh on public positions, on every database provider.</summary>
public abstract class PublicPositionStorageTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly GeoprivacyKey Key = new([.. Enumerable.Range(0, 32).Select(i => (byte)(i * 5 + 1))]);

    [Fact]
    public async Task FiltersAndListsSeeOnlyPublicPositionsAndARefreshFollowsThreatStatuses()
    {
        var author = await fixture.NewUserAsync();
        await using var db = fixture.NewContext();
        async Task<Observation> Create(double lat, double lon, Geoprivacy g, string? taxon) =>
            await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author, new NewObservation
            {
                Photos = [new(TestSupport.Photos.Plant("Taraxacum_officinale").Data)],
                Latitude = lat, Longitude = lon, UncertaintyMeters = 10, Geoprivacy = g, TaxonName = taxon,
            }, fixture.Clock, Ct, privacy: Key);
        var obscured = await Create(-33.918273, 18.423746, Geoprivacy.Obscured, null);
        var hidden = await Create(-33.927364, 18.436251, Geoprivacy.Private, null);
        var open = await Create(-33.936455, 18.447362, Geoprivacy.Open, "Tussilago farfara");
        Assert.Equal((open.Latitude, open.Longitude, open.UncertaintyMeters), (open.PublicLatitude, open.PublicLongitude, open.PublicUncertaintyMeters));
        Assert.Null(hidden.PublicLatitude);
        Assert.NotEqual(obscured.Latitude, obscured.PublicLatitude);

        async Task<List<int>> In(double lat, double lon, double d) =>
            [.. (await ObservationQueries.InViewportAsync(db, new BoundingBox(lon - d, lat - d, lon + d, lat + d), null, null, null, null, 100, ct: Ct)).Select(p => p.Id)];
        foreach (var o in new[] { obscured, hidden })
            Assert.DoesNotContain(o.Id, await In(o.Latitude!.Value, o.Longitude!.Value, 0.001));
        Assert.Contains(obscured.Id, await In(obscured.PublicLatitude!.Value, obscured.PublicLongitude!.Value, 0.0001));
        Assert.Contains(open.Id, await In(open.Latitude!.Value, open.Longitude!.Value, 0.0001));
        var latest = await ObservationQueries.LatestAsync(db, 1, 100, authorId: author, ct: Ct);
        Assert.Equal(obscured.PublicLatitude, latest.Single(r => r.Id == obscured.Id).Latitude);
        Assert.Null(latest.Single(r => r.Id == hidden.Id).Latitude);

        // Tussilago farfara becomes threatened: the open observation is obscured, then open again.
        await ThreatStatusStore.SetAsync(db, [new("Tussilago farfara", IucnCategory.CR, "test")], fixture.Clock, Ct);
        Assert.Equal(1, await PublicPositions.RefreshAsync(db, Key, Ct));
        Assert.Equal(0, await PublicPositions.RefreshAsync(db, Key, Ct));
        var now = await db.Observations.AsNoTracking().SingleAsync(o => o.Id == open.Id, Ct);
        Assert.Equal(PublicPosition.CellOf(now.Latitude!.Value, now.Longitude!.Value), PublicPosition.CellOf(now.PublicLatitude!.Value, now.PublicLongitude!.Value));
        Assert.NotEqual(now.Latitude, now.PublicLatitude);
        Assert.DoesNotContain(open.Id, await In(open.Latitude!.Value, open.Longitude!.Value, 0.0001));
        Assert.True(await ThreatStatusStore.RemoveAsync(db, "Tussilago_farfara", Ct));
        Assert.Equal(1, await PublicPositions.RefreshAsync(db, Key, Ct));
        Assert.Contains(open.Id, await In(open.Latitude!.Value, open.Longitude!.Value, 0.0001));
        // Obscured and private observations never change with statuses.
        var again = await db.Observations.AsNoTracking().SingleAsync(o => o.Id == obscured.Id, Ct);
        Assert.Equal(obscured.PublicLatitude, again.PublicLatitude);
    }

    [Fact]
    public async Task WithoutTheKeyNothingIsObscuredByMistake()
    {
        var author = await fixture.NewUserAsync();
        await using var db = fixture.NewContext();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author,
            new NewObservation { Photos = [new(TestSupport.Photos.Plant("Taraxacum_officinale").Data)], Latitude = 1, Longitude = 1, Geoprivacy = Geoprivacy.Obscured },
            fixture.Clock, Ct));
        Assert.Contains("geoprivacy key", e.Message, StringComparison.Ordinal);
    }
}
