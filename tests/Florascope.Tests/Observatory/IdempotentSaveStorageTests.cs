using System.Data.Common;
using Florascope.Data;
using Florascope.Data.Observations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Florascope.Tests.Observatory;

public sealed class SqliteIdempotentSaveStorageTests(SqliteStorageFixture fixture)
    : IdempotentSaveStorageTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresIdempotentSaveStorageTests(PostgresStorageFixture fixture)
    : IdempotentSaveStorageTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>
/// ObservationWriter.SaveAsync on each database: the race to the unique index (AuthorId, ClientId)
/// made deterministic, and a failure after the photos are written that must leave no row.
/// </summary>
public abstract class IdempotentSaveStorageTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static NewObservation Dandelion(Guid? clientId, string? notes = null) =>
        new() { Photos = [new(TestSupport.Photos.Plant("Taraxacum_officinale", 0).Data)], TaxonName = "Taraxacum officinale", ClientId = clientId, Notes = notes };

    private Task<SavedObservation> SaveAsync(FlorascopeDb db, int author, NewObservation input) =>
        ObservationWriter.SaveAsync(db, fixture.Photos, StorageFixture.Checklist, author,
            ObservationWriter.Validate(input, StorageFixture.Checklist, fixture.Clock.GetUtcNow().UtcDateTime), fixture.Clock, Ct);

    [Fact]
    public async Task TheLoserOfARaceToTheUniqueIndexAnswersWithTheWinner()
    {
        var author = await fixture.NewUserAsync();
        var clientId = Guid.NewGuid();
        SavedObservation? twin = null;
        // The twin commits after this save looked for an earlier one and before its insert: the unique index decides.
        var race = new BeforeSave(async () =>
        {
            await using var other = fixture.NewContext();
            twin = await SaveAsync(other, author, Dandelion(clientId, "twin"));
        });
        await using (var db = WithInterceptor(race))
        {
            var saved = await SaveAsync(db, author, Dandelion(clientId, "loser"));
            Assert.NotNull(twin);
            Assert.False(twin.Replayed);
            Assert.True(saved.Replayed);
            Assert.Equal(twin.Observation.Id, saved.Observation.Id);
            Assert.Equal("twin", saved.Observation.Notes);

            // The context forgot the refused rows: the next save in it works.
            var next = await SaveAsync(db, author, Dandelion(Guid.NewGuid()));
            Assert.False(next.Replayed);
        }
        await using var check = fixture.NewContext();
        Assert.Equal(1, await check.Observations.CountAsync(o => o.AuthorId == author && o.ClientId == clientId, Ct));
        Assert.Equal(2, await check.Observations.CountAsync(o => o.AuthorId == author, Ct));
        Assert.Equal(2, await check.ObservationPhotos.CountAsync(p => check.Observations.Any(o => o.Id == p.ObservationId && o.AuthorId == author), Ct));
        Assert.Equal(2, await check.Identifications.CountAsync(i => check.Observations.Any(o => o.Id == i.ObservationId && o.AuthorId == author), Ct));
    }

    [Fact]
    public async Task SequentialRetriesGiveBackTheFirstAndOtherAuthorsAreIndependent()
    {
        var author = await fixture.NewUserAsync();
        var other = await fixture.NewUserAsync();
        var clientId = Guid.NewGuid();
        await using var db = fixture.NewContext();
        var first = await SaveAsync(db, author, Dandelion(clientId, "first"));
        var retry = await SaveAsync(db, author, Dandelion(clientId, "changed"));
        var theirs = await SaveAsync(db, other, Dandelion(clientId));
        Assert.Equal((false, true, false), (first.Replayed, retry.Replayed, theirs.Replayed));
        Assert.Equal(first.Observation.Id, retry.Observation.Id);
        Assert.Equal("first", retry.Observation.Notes);
        Assert.NotEqual(first.Observation.Id, theirs.Observation.Id);
        Assert.Equal(1, await db.Observations.CountAsync(o => o.AuthorId == author, Ct));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AFailureAfterThePhotosAreWrittenLeavesNoRow(bool withClientId)
    {
        var author = await fixture.NewUserAsync();
        var failure = new FailOnPhotoRows();
        await using (var db = WithInterceptor(failure))
        {
            await Assert.ThrowsAnyAsync<DbUpdateException>(() => SaveAsync(db, author, Dandelion(withClientId ? Guid.NewGuid() : null)));
        }
        // The photos were written before SaveChanges; the observation's row was inserted in its transaction
        // before the failure, and rolled back with it (left photo files are collected as garbage).
        Assert.True(failure.ObservationInserted);
        await using var check = fixture.NewContext();
        Assert.False(await check.Observations.AnyAsync(o => o.AuthorId == author, Ct));
        Assert.False(await check.Identifications.AnyAsync(i => i.UserId == author, Ct));
        Assert.False(await check.ObservationPhotos.AnyAsync(p => !check.Observations.Any(o => o.Id == p.ObservationId), Ct));
    }

    /// <summary>A context of the fixture's database with one more interceptor.</summary>
    private FlorascopeDb WithInterceptor(IInterceptor interceptor)
    {
        var settings = fixture.Settings;
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            var b = new DbContextOptionsBuilder<SqliteFlorascopeDb>();
            settings.Configure(b);
            return new SqliteFlorascopeDb(b.AddInterceptors(interceptor).Options);
        }
        var pb = new DbContextOptionsBuilder<PostgresFlorascopeDb>();
        settings.Configure(pb);
        return new PostgresFlorascopeDb(pb.AddInterceptors(interceptor).Options);
    }

    /// <summary>Runs some work once, when SaveChanges starts (before its transaction).</summary>
    private sealed class BeforeSave(Func<Task> work) : SaveChangesInterceptor
    {
        private int _done;

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) await work();
            return result;
        }
    }

    /// <summary>Fails the insert of the photo rows, after the observation's row went in.</summary>
    private sealed class FailOnPhotoRows : DbCommandInterceptor
    {
        public bool ObservationInserted { get; private set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            // SQLite's SQL quotes every table name, Npgsql's only those that need it.
            var sql = command.CommandText.Replace("\"", "", StringComparison.Ordinal);
            if (sql.Contains("INSERT INTO observations ", StringComparison.Ordinal)) ObservationInserted = true;
            if (sql.Contains("INSERT INTO observation_photos ", StringComparison.Ordinal))
                throw new InvalidOperationException("Injected: the database failed while inserting the photo rows.");
            return ValueTask.FromResult(result);
        }
    }
}

/// <summary>The client id's one written form: what crypto.randomUUID() makes, nothing looser.</summary>
public sealed class ClientIdTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void NoneIsNone(string? text) => Assert.Null(ObservationWriter.ParseClientId(text));

    [Fact]
    public void AUuidIsRead() =>
        Assert.Equal(Guid.Parse("0b8f3c52-7d1e-4a8e-9d55-3f2a1c6e9b10"), ObservationWriter.ParseClientId("0B8F3C52-7d1e-4a8e-9d55-3f2a1c6e9b10"));

    [Theory]
    [InlineData("0b8f3c527d1e4a8e9d553f2a1c6e9b10")]
    [InlineData("(0b8f3c52-7d1e-4a8e-9d55-3f2a1c6e9b10)")]
    [InlineData("0b8f3c52-7d1e-4a8e-9d55-3f2a1c6e9b1g")]
    [InlineData("42")]
    public void AnythingElseIsInvalid(string text) =>
        Assert.Equal(ObservationError.Invalid, Assert.Throws<ObservationException>(() => ObservationWriter.ParseClientId(text)).Kind);
}
