using Florascope.Data.Game;
using Florascope.Data.Observations;
using Florascope.Data.Revision;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Observatory;

public sealed class SqliteGameEligibilityTests(SqliteStorageFixture fixture)
    : GameEligibilityTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresGameEligibilityTests(PostgresStorageFixture fixture)
    : GameEligibilityTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>Which observations the game offers a player (GameEligibility), and the observations list past its end, on every provider.</summary>
public abstract class GameEligibilityTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<int> ObservationAsync(int author, string? taxon, string project = "all", ModelSuggestion? model = null)
    {
        await using var db = fixture.NewContext();
        var o = await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author,
            new NewObservation { Photos = [new(TestSupport.Photos.Plant("Taraxacum_officinale", 0).Data)], TaxonName = taxon, Project = project, Model = model },
            fixture.Clock, Ct);
        fixture.Clock.Set(fixture.Clock.GetUtcNow().AddMinutes(1));
        return o.Id;
    }

    private async Task<int[]> OfferedAsync(int player, string project = "all")
    {
        await using var db = fixture.NewContext();
        return [.. await GameEligibility.OfferedTo(db, player, project, StorageFixture.Checklist).Select(o => o.Id).ToListAsync(Ct)];
    }

    [Fact]
    public async Task APlayerIsOfferedOthersObservationsThatNeedVotesDisputedFirstThenNewest()
    {
        var (author, player, other) = (await fixture.NewUserAsync(), await fixture.NewUserAsync(), await fixture.NewUserAsync());
        var older = await ObservationAsync(author, "Taraxacum officinale");
        var own = await ObservationAsync(player, "Taraxacum officinale");
        var answered = await ObservationAsync(author, null);
        var skipped = await ObservationAsync(author, null);
        var disputed = await ObservationAsync(author, "Taraxacum officinale");
        var newest = await ObservationAsync(author, null);
        await using (var db = fixture.NewContext())
        {
            await ObservationWriter.IdentifyAsync(db, StorageFixture.Checklist, answered, player, "Ranunculus acris", fixture.Clock, Ct);
            await ObservationWriter.IdentifyAsync(db, StorageFixture.Checklist, disputed, other, "Ranunculus acris", fixture.Clock, Ct);
            db.GameSkips.Add(new GameSkip { UserId = player, ObservationId = skipped, CreatedUtc = fixture.Clock.GetUtcNow().UtcDateTime });
            await db.SaveChangesAsync(Ct);
            Assert.Equal(ObservationStatus.Disputed, await db.Observations.Where(o => o.Id == disputed).Select(o => o.Status).SingleAsync(Ct));
        }

        var offered = await OfferedAsync(player);
        Assert.Equal(disputed, offered[0]);
        Assert.DoesNotContain(own, offered);
        Assert.DoesNotContain(answered, offered);
        Assert.DoesNotContain(skipped, offered);
        Assert.True(Array.IndexOf(offered, newest) < Array.IndexOf(offered, older), string.Join(",", offered));
        // Another player has answered and skipped nothing: both are offered to them, their own observation is not.
        var forAuthor = await OfferedAsync(author);
        Assert.Contains(own, forAuthor);
        Assert.DoesNotContain(older, forAuthor);
    }

    [Fact]
    public async Task AValidObservationIsNotOffered()
    {
        var (author, player) = (await fixture.NewUserAsync(), await fixture.NewUserAsync());
        var id = await ObservationAsync(author, null);
        await using (var db = fixture.NewContext())
            await db.Observations.Where(o => o.Id == id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, ObservationStatus.Valid).SetProperty(o => o.IsValid, true), Ct);
        Assert.DoesNotContain(id, await OfferedAsync(player));
    }

    [Fact]
    public async Task TheFloraIsTheProjectOrATaxonPlacedInIt()
    {
        var (author, player) = (await fixture.NewUserAsync(), await fixture.NewUserAsync());
        var madeThere = await ObservationAsync(author, null, project: "namerica");
        // Taraxacum officinale is in weurope, not in useful.
        var namedThere = await ObservationAsync(author, "Taraxacum officinale");
        var modelPlacesIt = await ObservationAsync(author, null, model: new ModelSuggestion("Taraxacum officinale", 0.1, "test"));
        var weurope = await OfferedAsync(player, "weurope");
        Assert.Contains(namedThere, weurope);
        Assert.Contains(modelPlacesIt, weurope);
        Assert.DoesNotContain(madeThere, weurope);
        Assert.Contains(madeThere, await OfferedAsync(player, "namerica"));
        var useful = await OfferedAsync(player, "useful");
        Assert.DoesNotContain(namedThere, useful);
        Assert.DoesNotContain(modelPlacesIt, useful);
    }

    [Fact]
    public async Task TheLatestListPastItsEndIsEmptyNotTheFirstPage()
    {
        var author = await fixture.NewUserAsync();
        await ObservationAsync(author, null);
        await using var db = fixture.NewContext();
        Assert.NotEmpty(await ObservationQueries.LatestAsync(db, 1, 100, ct: Ct));
        Assert.Empty(await ObservationQueries.LatestAsync(db, 21474838, 100, ct: Ct));
        Assert.Empty(await ObservationQueries.LatestAsync(db, int.MaxValue, 100, ct: Ct));
    }
}
