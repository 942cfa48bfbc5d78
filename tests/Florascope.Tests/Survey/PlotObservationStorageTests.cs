using Florascope.Data.Challenges;
using Florascope.Data.Models;
using Florascope.Data.Observations;
using Florascope.Revision;
using Florascope.Tests.Observatory;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Survey;

public sealed class SqlitePlotObservationStorageTests(SqliteStorageFixture fixture)
    : PlotObservationStorageTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresPlotObservationStorageTests(PostgresStorageFixture fixture)
    : PlotObservationStorageTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>
/// Observations kept from a plot survey (issue 15), on every provider: stored with FromPlot, sharing the
/// plot's one stored photo, and never among the photos the model trains on, however valid.
/// </summary>
public abstract class PlotObservationStorageTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<Observation> ValidAsync(int author, string taxon, byte[] photo, bool fromPlot, string project = "all")
    {
        await using var db = fixture.NewContext();
        // The author and a confident model together validate it (gamma + 1.7 > 2, see RevisionStorageTests).
        var o = await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author,
            new NewObservation { Photos = [new NewPhoto(photo)], TaxonName = taxon, Model = new ModelSuggestion(taxon, 0.95, "m1"), FromPlot = fromPlot, License = "cc-by", Project = project },
            fixture.Clock, Ct, AggregationSettings.Default);
        return await db.Observations.AsNoTracking().Include(x => x.Photos).SingleAsync(x => x.Id == o.Id, Ct);
    }

    [Fact]
    public async Task AValidPlotObservationsPhotoIsNotTrainedOnWhileANormalOnesIs()
    {
        var author = await fixture.NewUserAsync();
        var plotPhoto = TestSupport.Photos.Plant("Helianthus_annuus", 5).Data;
        // Two species kept from one plot: the same photo file, stored once.
        var sunflower = await ValidAsync(author, "Helianthus annuus", plotPhoto, fromPlot: true);
        var dandelion = await ValidAsync(author, "Taraxacum officinale", plotPhoto, fromPlot: true);
        var normal = await ValidAsync(author, "Taraxacum officinale", TestSupport.Photos.Plant("Taraxacum_officinale", 4).Data, fromPlot: false);
        Assert.All(new[] { sunflower, dandelion, normal }, o => Assert.True(o.IsValid, $"observation {o.Id} {o.Status}"));
        Assert.Equal((true, true, false), (sunflower.FromPlot, dandelion.FromPlot, normal.FromPlot));
        Assert.Equal(sunflower.Photos.Single().Sha256, dandelion.Photos.Single().Sha256);

        await using var db = fixture.NewContext();
        var trained = await ModelRegistry.ValidatedPhotosAsync(db, fixture.Photos, StorageFixture.Checklist, Ct);
        Assert.Contains(trained, p => p.Path.Contains(normal.Photos.Single().Sha256, StringComparison.Ordinal));
        Assert.DoesNotContain(trained, p => p.Path.Contains(sunflower.Photos.Single().Sha256, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AChallengeMadeOfObservationsLeavesPlotObservationsOut()
    {
        var author = await fixture.NewUserAsync();
        await ValidAsync(author, "Acer campestre", TestSupport.Photos.Plant("Acer_campestre", 3).Data, fromPlot: false, "weurope");
        await ValidAsync(author, "Taraxacum officinale", TestSupport.Photos.Plant("Taraxacum_officinale", 6).Data, fromPlot: false, "weurope");
        await ValidAsync(author, "Taraxacum officinale", TestSupport.Photos.Plant("Taraxacum_officinale", 7).Data, fromPlot: true, "weurope");
        using var dir = new TestSupport.TempDirectory();
        await using var db = fixture.NewContext();
        var challenge = await ChallengeBuilder.CreateAsync(db, new ChallengeFileStore(new Florascope.Data.Storage.FileObjectStore(Path.Combine(dir.Path, "store"))),
            new ChallengeSpec
            {
                Name = "Plots left out " + author,
                OpensUtc = fixture.Clock.GetUtcNow().UtcDateTime,
                ClosesUtc = fixture.Clock.GetUtcNow().UtcDateTime.AddDays(30),
                Observations = new ObservationSource { Project = Florascope.Taxonomy.ProjectCode.Parse("weurope"), TestPercent = 50 },
            }, null, fixture.Clock, null, Ct, new ObservatoryData(fixture.Photos, StorageFixture.Checklist, "https://florascope.example.org"));
        // The two plain observations of the flora only (one photo each), not the plot's.
        Assert.Equal((2, 2), (challenge.TestObservations + challenge.TrainPhotos, challenge.Classes));
    }
}
