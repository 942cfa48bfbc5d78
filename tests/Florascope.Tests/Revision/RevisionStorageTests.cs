using Florascope.Data;
using Florascope.Data.Models;
using Florascope.Data.Observations;
using Florascope.Data.Revision;
using Florascope.Revision;
using Florascope.Tests.Observatory;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Revision;

public sealed class SqliteRevisionStorageTests(SqliteStorageFixture fixture)
    : RevisionStorageTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresRevisionStorageTests(PostgresStorageFixture fixture)
    : RevisionStorageTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>
/// The weighted vote kept in the database, on every provider: each identification re-decides its
/// observation at once; the batch reruns the iteration; afterwards the two agree.
/// </summary>
public abstract class RevisionStorageTests(StorageFixture fixture)
{
    private static readonly AggregationSettings Settings = AggregationSettings.Default;
    private static readonly double Gamma = Math.Log(2.1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static NewPhoto Dandelion(int i = 0) => new(TestSupport.Photos.Plant("Taraxacum_officinale", i).Data);

    private async Task<int> ObservationAsync(int author, string? taxon, ModelSuggestion? model = null, int photo = 0)
    {
        await using var db = fixture.NewContext();
        var o = await ObservationWriter.CreateAsync(db, fixture.Photos, StorageFixture.Checklist, author,
            new NewObservation { Photos = [Dandelion(photo)], TaxonName = taxon, Model = model }, fixture.Clock, Ct, Settings);
        return o.Id;
    }

    private async Task IdentifyAsync(int observation, int user, string? taxon)
    {
        await using var db = fixture.NewContext();
        await ObservationWriter.IdentifyAsync(db, StorageFixture.Checklist, observation, user, taxon, fixture.Clock, Ct, Settings);
    }

    private async Task<Observation> ReadAsync(int id)
    {
        await using var db = fixture.NewContext();
        return await db.Observations.AsNoTracking().Include(o => o.Photos).SingleAsync(o => o.Id == id, Ct);
    }

    private async Task SetExpertiseAsync(int user, int n)
    {
        await using var db = fixture.NewContext();
        await db.Users.Where(u => u.Id == user).ExecuteUpdateAsync(s => s.SetProperty(u => u.Expertise, n), Ct);
    }

    [Fact]
    public async Task EachIdentificationRedecidesItsObservationAtOnce()
    {
        var (author, newcomer, expert) = (await fixture.NewUserAsync(), await fixture.NewUserAsync(), await fixture.NewUserAsync());
        await SetExpertiseAsync(expert, 8);
        var id = await ObservationAsync(author, "Taraxacum officinale");
        var first = await ReadAsync(id);
        // One newcomer: confidence gamma = 0.742, accuracy 1: agreed but not confident enough.
        Assert.Equal(("Taraxacum officinale", ObservationStatus.NeedsVotes, false), (first.TaxonName, first.Status, first.IsValid));
        Assert.Equal(Gamma, first.Confidence, 9);

        await IdentifyAsync(id, newcomer, "Ranunculus acris");
        var disputed = await ReadAsync(id);
        // A tie of two newcomers goes to the taxon listed first in the checklist.
        Assert.Equal(ObservationStatus.Disputed, disputed.Status);
        Assert.Equal(0.5, disputed.Accuracy, 9);

        await IdentifyAsync(id, expert, "Taraxacum officinale");
        var valid = await ReadAsync(id);
        // w(8) = sqrt(8) - 8^0.2 + gamma = 2.828427 - 1.515717 + 0.741937 = 2.054648; conf = 0.741937 + 2.054648 = 2.796585,
        // acc = 2.796585 / (2.796585 + 0.741937) = 0.790326.
        Assert.Equal(("Taraxacum officinale", ObservationStatus.Valid, true), (valid.TaxonName, valid.Status, valid.IsValid));
        Assert.Equal(2.796585, valid.Confidence, tolerance: 1e-6);
        Assert.Equal(0.790326, valid.Accuracy, tolerance: 1e-6);

        // "I don't know" withdraws the expert's vote: back to disputed; the history is kept.
        await IdentifyAsync(id, expert, null);
        Assert.Equal(ObservationStatus.Disputed, (await ReadAsync(id)).Status);
        await using var db = fixture.NewContext();
        Assert.Equal(2, await db.Identifications.CountAsync(i => i.ObservationId == id && i.UserId == expert, Ct));
    }

    [Fact]
    public async Task TheModelVotesOnlyWhenItsCalibratedScoreIsHighEnough()
    {
        var author = await fixture.NewUserAsync();
        var sure = await ObservationAsync(author, "Taraxacum officinale", new ModelSuggestion("Taraxacum officinale", 0.91, "m1"));
        var o = await ReadAsync(sure);
        // gamma + 1.7 = 2.441937 > 2 and accuracy 1: the author and a confident model validate it.
        Assert.True(o.IsValid);
        Assert.Equal(Gamma + 1.7, o.Confidence, 9);
        Assert.Equal(("Taraxacum officinale", 0.91, "m1"), (o.ModelTaxonName, o.ModelScore!.Value, o.ModelVersion));

        var unsure = await ReadAsync(await ObservationAsync(author, "Taraxacum officinale", new ModelSuggestion("Taraxacum officinale", 0.69, "m1")));
        Assert.False(unsure.IsValid);
        Assert.Equal(Gamma, unsure.Confidence, 9);

        // The model alone (the author did not know) names the taxon but cannot validate it.
        var alone = await ReadAsync(await ObservationAsync(author, null, new ModelSuggestion("Taraxacum officinale", 0.95, "m1")));
        Assert.Equal(("Taraxacum officinale", false, ObservationStatus.NeedsVotes), (alone.TaxonName, alone.IsValid, alone.Status));
    }

    [Fact]
    public async Task PhotoVotesAreWeightedAndAnImageVotedOutIsNotTrainedOn()
    {
        var author = await fixture.NewUserAsync();
        var voters = new List<int>();
        for (var i = 0; i < 4; i++) voters.Add(await fixture.NewUserAsync());
        var expert = await fixture.NewUserAsync();
        await SetExpertiseAsync(expert, 8);
        var id = await ObservationAsync(author, "Taraxacum officinale", new ModelSuggestion("Taraxacum officinale", 0.9, "m1"), photo: 3);
        var photo = (await ReadAsync(id)).Photos.Single();
        var photoId = photo.Id;

        async Task VoteAsync(int user, string aspect, string value)
        {
            await using var db = fixture.NewContext();
            await ObservationWriter.VotePhotoAsync(db, photoId, user, aspect, value, fixture.Clock, Settings, Ct);
        }

        // Two newcomers (1.48) cannot exclude a photo; a third (2.23 > 2) can.
        await VoteAsync(voters[0], PhotoAspects.NotAPlant, PhotoAspects.Yes);
        await VoteAsync(voters[1], PhotoAspects.NotAPlant, PhotoAspects.Yes);
        Assert.Null((await ReadAsync(id)).Photos.Single().ExcludedBecause);
        await using (var db = fixture.NewContext())
            Assert.Contains(await ModelRegistry.ValidatedPhotosAsync(db, fixture.Photos, StorageFixture.Checklist, Ct), p => p.Path.Contains(photo.Sha256, StringComparison.Ordinal));
        await VoteAsync(voters[2], PhotoAspects.NotAPlant, PhotoAspects.Yes);
        Assert.Equal(PhotoAspects.NotAPlant, (await ReadAsync(id)).Photos.Single().ExcludedBecause);
        // A fourth says it is a plant: 3 x 0.742 / (4 x 0.742) = 0.75 > 0.7, still out.
        await VoteAsync(voters[3], PhotoAspects.NotAPlant, PhotoAspects.No);
        Assert.Equal(PhotoAspects.NotAPlant, (await ReadAsync(id)).Photos.Single().ExcludedBecause);
        // One voter changes their mind: 2 yes against 2 no, the photo is back.
        await VoteAsync(voters[0], PhotoAspects.NotAPlant, PhotoAspects.No);
        Assert.Null((await ReadAsync(id)).Photos.Single().ExcludedBecause);
        // An expert alone settles the organ.
        await VoteAsync(expert, PhotoAspects.Organ, "flower");
        Assert.Equal("flower", (await ReadAsync(id)).Photos.Single().VotedOrgan);
        await VoteAsync(expert, PhotoAspects.PoorQuality, PhotoAspects.Yes);
        var excluded = (await ReadAsync(id)).Photos.Single();
        Assert.Equal(PhotoAspects.PoorQuality, excluded.ExcludedBecause);

        await using (var db = fixture.NewContext())
        {
            Assert.Equal(1, await db.PhotoVotes.CountAsync(v => v.PhotoId == photoId && v.UserId == voters[0] && v.IsCurrent, Ct));
            Assert.Equal(2, await db.PhotoVotes.CountAsync(v => v.PhotoId == photoId && v.UserId == voters[0], Ct));
            Assert.DoesNotContain(await ModelRegistry.ValidatedPhotosAsync(db, fixture.Photos, StorageFixture.Checklist, Ct), p => p.Path.Contains(excluded.Sha256, StringComparison.Ordinal));
            // Nor is it shown for the observation in lists.
            Assert.Null((await ObservationQueries.LatestAsync(db, 1, 20, authorId: author, ct: Ct)).Single(r => r.Id == id).FirstPhoto);
            var bad = await Assert.ThrowsAsync<ObservationException>(() => ObservationWriter.VotePhotoAsync(db, photoId, expert, "colour", "red", fixture.Clock, Settings, Ct));
            Assert.Contains("Unknown aspect", bad.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<ObservationException>(() => ObservationWriter.VotePhotoAsync(db, photoId, expert, PhotoAspects.Organ, "wing", fixture.Clock, Settings, Ct));
            await Assert.ThrowsAsync<ObservationException>(() => ObservationWriter.VotePhotoAsync(db, photoId, expert, PhotoAspects.Duplicate, "maybe", fixture.Clock, Settings, Ct));
        }
    }

    [Fact]
    public async Task AfterABatchIncrementalAndBatchAgree()
    {
        // A small community: 8 users, 30 observations, 3 taxa, mostly agreeing votes (fixed seed).
        string[] taxa = ["Taraxacum officinale", "Ranunculus acris", "Tussilago farfara"];
        var users = new List<int>();
        for (var i = 0; i < 8; i++) users.Add(await fixture.NewUserAsync());
        var random = new Random(5);
        for (var k = 0; k < 30; k++)
        {
            var truth = taxa[k % 3];
            var author = users[random.Next(users.Count)];
            var id = await ObservationAsync(author, random.NextDouble() < 0.8 ? truth : taxa[random.Next(3)]);
            foreach (var voter in users.Where(u => u != author).OrderBy(_ => random.Next()).Take(random.Next(1, 5)))
                await IdentifyAsync(id, voter, random.NextDouble() < 0.75 ? truth : taxa[random.Next(3)]);
        }

        BatchReport report;
        await using (var db = fixture.NewContext())
            report = await CommunityRevision.RunBatchAsync(db, StorageFixture.Checklist, Settings, fixture.Clock, null, Ct);
        Assert.True(report.Converged);
        Assert.True(report.Valid > 0, "some observations are valid");
        await using (var db = fixture.NewContext())
        {
            Assert.Contains(await db.Users.Where(u => users.Contains(u.Id)).Select(u => u.Expertise).ToListAsync(Ct), n => n > 0);
            // Every observation, decided again one at a time with the stored weights, gives what the batch stored.
            foreach (var o in await db.Observations.AsNoTracking().ToListAsync(Ct))
            {
                var again = await CommunityRevision.ExplainAsync(db, o, StorageFixture.Checklist, Settings, Ct);
                Assert.Equal((o.TaxonName, o.IsValid, o.Status), (again.TaxonName, again.IsValid, again.Status));
                Assert.Equal(o.Confidence, again.Confidence, 9);
                Assert.Equal(o.Accuracy, again.Accuracy, 9);
            }
            // The game's score is the batch's and the incremental path's same count.
            foreach (var u in await db.Users.AsNoTracking().Where(u => users.Contains(u.Id)).ToListAsync(Ct))
                Assert.Equal(u.Score, await CommunityRevision.ScoreAsync(db, u.Id, Ct));
        }
        // A second run finds nothing to change.
        await using (var db = fixture.NewContext())
        {
            var again = await CommunityRevision.RunBatchAsync(db, StorageFixture.Checklist, Settings, fixture.Clock, null, Ct);
            Assert.Equal((0, 0), (again.ObservationsChanged, again.UsersChanged));
        }
    }
}
