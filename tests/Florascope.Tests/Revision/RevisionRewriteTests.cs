using Florascope.Data;
using Florascope.Data.Observations;
using Florascope.Data.Revision;
using Florascope.Revision;
using Florascope.Tests.Observatory;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Florascope.Tests.Revision;

/// <summary>
/// PostgreSQL: the first batch of a never-revised database (rows imported with votes but no outcome)
/// changes every observation, so it drops the indexes on the columns it changes, rewrites the rows and
/// builds the indexes again (RevisionBatchStore's Rewrite); when it cannot lock the table at once it
/// updates them row by row. Either way it stores what each observation decided on its own gives, and
/// the indexes are as the migrations made them.
/// </summary>
public sealed class PostgresRevisionRewriteTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>
{
    private static readonly AggregationSettings Settings = AggregationSettings.Default;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFirstBatchRebuildsTheIndexesOnTheColumnsItChanges()
    {
        await ImportNeverRevisedAsync();
        var indexes = await IndexesAsync();

        var (report, progress) = await RunBatchAsync();

        Assert.Equal(await CountAsync(), report.ObservationsChanged);
        Assert.Contains(progress, line => line.StartsWith($"wrote {report.ObservationsChanged} observations, ", StringComparison.Ordinal)
            && line.Contains(" indexes rebuilt", StringComparison.Ordinal));
        Assert.Equal(indexes, await IndexesAsync());
        await AssertStoredOutcomesAreTheirOwnDecisionsAsync();
        var again = (await RunBatchAsync()).Report;
        Assert.Equal((0, 0), (again.ObservationsChanged, again.UsersChanged));
    }

    [Fact]
    public async Task AFirstBatchThatCannotLockTheTableUpdatesItsIndexesRowByRow()
    {
        await ImportNeverRevisedAsync();
        var indexes = await IndexesAsync();

        BatchReport report;
        List<string> progress;
        // A reader's open transaction holds a lock that conflicts with the rewrite's until it ends.
        await using (var reader = new NpgsqlConnection(fixture.Settings.ConnectionString))
        {
            await reader.OpenAsync(Ct);
            await using var readTx = await reader.BeginTransactionAsync(Ct);
            await using (var read = new NpgsqlCommand("SELECT count(*) FROM observations", reader, readTx))
                await read.ExecuteScalarAsync(Ct);
            (report, progress) = await RunBatchAsync();
            await readTx.RollbackAsync(Ct);
        }

        Assert.Equal(await CountAsync(), report.ObservationsChanged);
        Assert.Contains(progress, line => line.StartsWith($"wrote {report.ObservationsChanged} observations (", StringComparison.Ordinal));
        Assert.Equal(indexes, await IndexesAsync());
        await AssertStoredOutcomesAreTheirOwnDecisionsAsync();
    }

    /// <summary>
    /// A small community written as an import would (no outcome stored), and every observation of the
    /// database set back to never revised: 8 users, 30 observations, 3 taxa, mostly agreeing votes.
    /// </summary>
    private async Task ImportNeverRevisedAsync()
    {
        string[] taxa = ["Taraxacum officinale", "Ranunculus acris", "Tussilago farfara"];
        var users = new List<int>();
        for (var i = 0; i < 8; i++) users.Add(await fixture.NewUserAsync());
        var random = new Random(7);
        var now = fixture.Clock.GetUtcNow().UtcDateTime;
        await using var db = fixture.NewContext();
        for (var k = 0; k < 30; k++)
        {
            var truth = taxa[k % 3];
            var author = users[random.Next(users.Count)];
            var observation = new Observation { AuthorId = author, ObservedUtc = now, CreatedUtc = now, UpdatedUtc = now };
            foreach (var voter in users.OrderBy(_ => random.Next()).Take(random.Next(1, 6)))
                observation.Identifications.Add(new Data.Observations.Identification
                {
                    UserId = voter, TaxonName = random.NextDouble() < 0.75 ? truth : taxa[random.Next(3)], CreatedUtc = now,
                });
            db.Observations.Add(observation);
        }
        await db.SaveChangesAsync(Ct);
        await db.Observations.ExecuteUpdateAsync(s => s.SetProperty(o => o.TaxonName, (string?)null).SetProperty(o => o.Confidence, 0.0)
            .SetProperty(o => o.Accuracy, 0.0).SetProperty(o => o.IsValid, false).SetProperty(o => o.Status, ObservationStatus.NeedsVotes)
            .SetProperty(o => o.RevisedUtc, (DateTime?)null), Ct);
    }

    private async Task<(BatchReport Report, List<string> Progress)> RunBatchAsync()
    {
        var progress = new Lines();
        await using var db = fixture.NewContext();
        var report = await CommunityRevision.RunBatchAsync(db, StorageFixture.Checklist, Settings, fixture.Clock, progress, Ct, BatchWrite.Rebuild);
        return (report, progress.All);
    }

    /// <summary>Every observation, decided again on its own with the stored weights, gives what the batch stored.</summary>
    private async Task AssertStoredOutcomesAreTheirOwnDecisionsAsync()
    {
        await using var db = fixture.NewContext();
        var observations = await db.Observations.AsNoTracking().ToListAsync(Ct);
        Assert.Contains(observations, o => o.IsValid);
        foreach (var o in observations)
        {
            var again = await CommunityRevision.ExplainAsync(db, o, StorageFixture.Checklist, Settings, Ct);
            Assert.Equal((o.TaxonName, o.IsValid, o.Status), (again.TaxonName, again.IsValid, again.Status));
            Assert.Equal(o.Confidence, again.Confidence, 9);
            Assert.Equal(o.Accuracy, again.Accuracy, 9);
            Assert.NotNull(o.RevisedUtc);
        }
        foreach (var u in await db.Users.AsNoTracking().ToListAsync(Ct))
            Assert.Equal(u.Score, await CommunityRevision.ScoreAsync(db, u.Id, Ct));
    }

    private async Task<int> CountAsync()
    {
        await using var db = fixture.NewContext();
        return await db.Observations.CountAsync(Ct);
    }

    private async Task<List<string>> IndexesAsync()
    {
        await using var db = fixture.NewContext();
        return await db.Database.SqlQueryRaw<string>("SELECT indexdef AS \"Value\" FROM pg_indexes WHERE tablename = 'observations' ORDER BY indexname")
            .ToListAsync(Ct);
    }

    private sealed class Lines : IProgress<string>
    {
        public List<string> All { get; } = [];

        public void Report(string value)
        {
            lock (All) All.Add(value);
        }
    }
}
