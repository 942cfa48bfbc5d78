using Florascope.Data.Observations;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Observatory;

public sealed class SqliteMapAndScoreStorageTests(SqliteStorageFixture fixture)
    : MapAndScoreStorageTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresMapAndScoreStorageTests(PostgresStorageFixture fixture)
    : MapAndScoreStorageTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>On both databases: the map popups' first photos, and game scores recounted when an observation is deleted.</summary>
public abstract class MapAndScoreStorageTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static NewPhoto Photo(string folder, int i = 0) => new(TestSupport.Photos.Plant(folder, i).Data, "auto");

    [Fact]
    public async Task ThePopupPhotoIsTheFirstByPositionThatTheCommunityKept()
    {
        var author = await fixture.NewUserAsync();
        await using var db = fixture.NewContext();
        var two = await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author,
            new NewObservation { Photos = [Photo("Tulipa", 0), Photo("Tulipa", 1)], TaxonName = "tulip" }, fixture.Clock, Ct);
        var one = await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author,
            new NewObservation { Photos = [Photo("Cornus_florida")], TaxonName = "flowering dogwood" }, fixture.Clock, Ct);
        var photos = await db.ObservationPhotos.AsNoTracking().Where(p => p.ObservationId == two.Id).OrderBy(p => p.Position).ToListAsync(Ct);
        Assert.Equal(("Tulipa", "Cornus florida"), (two.TaxonName, one.TaxonName));

        var first = await ObservationQueries.FirstPhotosAsync(db, [two.Id, one.Id, -1], Ct);
        Assert.Equal(2, first.Count);
        Assert.Equal(photos[0].Sha256, first[two.Id]);
        // Voted out (e.g. not a plant): the next one is shown.
        await db.ObservationPhotos.Where(p => p.Id == photos[0].Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.ExcludedBecause, "not-a-plant"), Ct);
        Assert.Equal(photos[1].Sha256, (await ObservationQueries.FirstPhotosAsync(db, [two.Id], Ct))[two.Id]);
        Assert.Empty(await ObservationQueries.FirstPhotosAsync(db, [], Ct));
    }

    [Fact]
    public async Task DeletingAValidObservationTakesBackThePointsItGave()
    {
        var author = await fixture.NewUserAsync();
        var first = await fixture.NewUserAsync();
        var second = await fixture.NewUserAsync();
        int id;
        await using (var db = fixture.NewContext())
        {
            id = (await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author,
                new NewObservation { Photos = [Photo("Stellaria_media")], TaxonName = "Stellaria media" }, fixture.Clock, Ct)).Id;
            // Three agreeing votes of weight ln 2.1 (one by a common name): confidence 2.23 > 2, valid; both players score.
            await ObservationWriter.IdentifyAsync(db, StorageFixture.Checklist, id, first, "common chickweed", fixture.Clock, Ct);
            await ObservationWriter.IdentifyAsync(db, StorageFixture.Checklist, id, second, "stellaria media", fixture.Clock, Ct);
        }
        await using (var db = fixture.NewContext())
        {
            Assert.True((await db.Observations.SingleAsync(o => o.Id == id, Ct)).IsValid);
            Assert.Equal([1, 1], await db.Users.Where(u => u.Id == first || u.Id == second).OrderBy(u => u.Id).Select(u => u.Score).ToListAsync(Ct));
            await ObservationWriter.DeleteAsync(db, id, author, isAdmin: false, Ct);
        }
        await using (var db = fixture.NewContext())
            Assert.Equal([0, 0], await db.Users.Where(u => u.Id == first || u.Id == second).OrderBy(u => u.Id).Select(u => u.Score).ToListAsync(Ct));
    }

    [Fact]
    public async Task TheLeaderboardListsWhoProposedANameForAnothersObservation()
    {
        var author = await fixture.NewUserAsync();
        var player = await fixture.NewUserAsync();
        var idle = await fixture.NewUserAsync();
        await using var db = fixture.NewContext();
        var id = (await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author,
            new NewObservation { Photos = [Photo("Galium_aparine")], TaxonName = "cleavers" }, fixture.Clock, Ct)).Id;
        await ObservationWriter.IdentifyAsync(db, StorageFixture.Checklist, id, player, "sticky willy", fixture.Clock, Ct);
        // "I don't know" is no proposal.
        await ObservationWriter.IdentifyAsync(db, StorageFixture.Checklist, id, idle, null, fixture.Clock, Ct);

        var board = await Florascope.Data.Game.Leaderboard.TopAsync(db, 100, Ct);
        var row = Assert.Single(board, r => r.UserId == player);
        Assert.Equal((0, 0, 1), (row.Score, row.Expertise, row.Proposals));
        Assert.DoesNotContain(board, r => r.UserId == author || r.UserId == idle);
    }
}
