using Florascope.Data.Observations;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Observatory;

public sealed class SqliteObservedOffsetStorageTests(SqliteStorageFixture fixture)
    : ObservedOffsetStorageTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresObservedOffsetStorageTests(PostgresStorageFixture fixture)
    : ObservedOffsetStorageTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>The observer's UTC offset is stored with the observation on every provider; a bad one stores nothing.</summary>
public abstract class ObservedOffsetStorageTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static NewObservation Dandelion(int? offset) => new()
    {
        Photos = [new NewPhoto(TestSupport.Photos.Plant("Taraxacum_officinale").Data)],
        ObservedUtc = new DateTime(2026, 3, 30, 8, 30, 0, DateTimeKind.Utc),
        ObservedOffsetMinutes = offset,
    };

    [Fact]
    public async Task TheOffsetIsStoredAndEdited()
    {
        var author = await fixture.NewUserAsync();
        int id, without;
        await using (var db = fixture.NewContext())
        {
            id = (await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author, Dandelion(-330), fixture.Clock, Ct)).Id;
            without = (await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author, Dandelion(null), fixture.Clock, Ct)).Id;
        }
        await using (var db = fixture.NewContext())
        {
            Assert.Equal(-330, (await db.Observations.AsNoTracking().SingleAsync(o => o.Id == id, Ct)).ObservedOffsetMinutes);
            Assert.Null((await db.Observations.AsNoTracking().SingleAsync(o => o.Id == without, Ct)).ObservedOffsetMinutes);
        }

        await using (var db = fixture.NewContext())
        {
            // An edit without an offset keeps the stored one; with one it replaces it.
            await ObservationWriter.EditAsync(db, id, author, false, new(null, null, null, null, "notes", null), fixture.Clock, Ct);
            await ObservationWriter.EditAsync(db, without, author, false, new(null, null, null, null, null, null, ObservedOffsetMinutes: 840), fixture.Clock, Ct);
        }
        await using (var db = fixture.NewContext())
        {
            Assert.Equal(-330, (await db.Observations.AsNoTracking().SingleAsync(o => o.Id == id, Ct)).ObservedOffsetMinutes);
            Assert.Equal(840, (await db.Observations.AsNoTracking().SingleAsync(o => o.Id == without, Ct)).ObservedOffsetMinutes);
        }
    }

    [Theory]
    [InlineData(841)]
    [InlineData(-841)]
    [InlineData(int.MaxValue)]
    public async Task AnOffsetBeyondFourteenHoursIsRefusedAndNothingIsStored(int offset)
    {
        var author = await fixture.NewUserAsync();
        await using var db = fixture.NewContext();
        var e = await Assert.ThrowsAsync<ObservationException>(() =>
            ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author, Dandelion(offset), fixture.Clock, Ct));
        Assert.Equal(ObservationError.Invalid, e.Kind);
        Assert.False(await db.Observations.AnyAsync(o => o.AuthorId == author, Ct));

        var id = (await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author, Dandelion(60), fixture.Clock, Ct)).Id;
        await Assert.ThrowsAsync<ObservationException>(() =>
            ObservationWriter.EditAsync(db, id, author, false, new(null, null, null, null, null, null, ObservedOffsetMinutes: offset), fixture.Clock, Ct));
        await using var fresh = fixture.NewContext();
        Assert.Equal(60, (await fresh.Observations.AsNoTracking().SingleAsync(o => o.Id == id, Ct)).ObservedOffsetMinutes);
    }
}
