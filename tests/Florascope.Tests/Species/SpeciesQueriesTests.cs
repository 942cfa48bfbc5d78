using Florascope.Data.Observations;
using Florascope.Data.Species;
using Florascope.Tests.Observatory;

namespace Florascope.Tests.Species;

public sealed class SqliteSpeciesQueriesTests(SqliteStorageFixture fixture) : SpeciesQueriesTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresSpeciesQueriesTests(PostgresStorageFixture fixture) : SpeciesQueriesTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>The species page's reads on both databases: valid observations' photos only, and taxa named together.</summary>
public abstract class SpeciesQueriesTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DateTime Now => fixture.Clock.GetUtcNow().UtcDateTime;

    private Observation New(int author, string? taxon, bool valid, params ObservationPhoto[] photos) => new()
    {
        AuthorId = author, ObservedUtc = Now, TaxonName = taxon, IsValid = valid, Status = valid ? "valid" : "needs-votes",
        CreatedUtc = Now, UpdatedUtc = Now, Photos = [.. photos], License = "cc-by-sa",
    };

    private static ObservationPhoto Photo(string sha, int position, string organ = "auto", string? voted = null, string? excluded = null) =>
        new() { Sha256 = sha, Position = position, Organ = organ, VotedOrgan = voted, ExcludedBecause = excluded, Width = 10, Height = 10 };

    private static string Sha(char c) => new(c, 64);

    [Fact]
    public async Task PhotosOfValidObservationsOnlyWithoutExcludedOnes()
    {
        var author = await fixture.NewUserAsync();
        var taxon = "Species photos " + Guid.NewGuid().ToString("N")[..6];
        await using (var db = fixture.NewContext())
        {
            db.Observations.AddRange(
                New(author, taxon, true, Photo(Sha('a'), 0, "leaf"), Photo(Sha('b'), 1, "auto", voted: "flower"), Photo(Sha('c'), 2, excluded: "poor-quality")),
                New(author, taxon, false, Photo(Sha('d'), 0, "leaf")),
                New(author, "Other taxon", true, Photo(Sha('e'), 0, "leaf")));
            await db.SaveChangesAsync(Ct);
        }
        await using (var db = fixture.NewContext())
        {
            var photos = await SpeciesQueries.ValidatedPhotosAsync(db, taxon, limit: 10, Ct);
            Assert.Equal([Sha('a'), Sha('b')], photos.Select(p => p.Sha256));
            Assert.Equal([null, "flower"], photos.Select(p => p.VotedOrgan));
            Assert.All(photos, p => Assert.Equal("cc-by-sa", p.License));
            Assert.All(photos, p => Assert.StartsWith("storage", p.AuthorUserName, StringComparison.Ordinal));
            Assert.Single(await SpeciesQueries.ValidatedPhotosAsync(db, taxon, limit: 1, Ct));
        }
    }

    [Fact]
    public async Task TaxaNamedTogetherAreCountedOncePerObservation()
    {
        var author = await fixture.NewUserAsync();
        var voter = await fixture.NewUserAsync();
        var x = "Named x " + Guid.NewGuid().ToString("N")[..6];
        var y = "Named y " + Guid.NewGuid().ToString("N")[..6];
        var z = "Named z " + Guid.NewGuid().ToString("N")[..6];
        Data.Observations.Identification Id(int user, string? name, bool current = true) => new() { UserId = user, TaxonName = name, IsCurrent = current, CreatedUtc = Now };
        await using (var db = fixture.NewContext())
        {
            var o1 = New(author, x, false);
            o1.Identifications = [Id(author, x), Id(voter, y), Id(voter, y, current: false)];
            var o2 = New(author, y, false);
            // A changed mind counts: the voter said x, then z.
            o2.Identifications = [Id(author, y), Id(voter, x, current: false), Id(voter, z)];
            var o3 = New(author, z, false);
            o3.Identifications = [Id(author, z), Id(voter, null)];
            db.Observations.AddRange(o1, o2, o3);
            await db.SaveChangesAsync(Ct);
        }
        await using (var db = fixture.NewContext())
        {
            Assert.Equal([(y, 2), (z, 1)], await SpeciesQueries.NamedTogetherAsync(db, x, limit: 10, Ct));
            Assert.Equal([(y, 2)], await SpeciesQueries.NamedTogetherAsync(db, x, limit: 1, Ct));
            // z was named with x and y in o2 only (o3's "I don't know" names nothing).
            Assert.Equal([(x, 1), (y, 1)], (await SpeciesQueries.NamedTogetherAsync(db, z, limit: 10, Ct)).OrderBy(r => r.Name, StringComparer.Ordinal));
        }
    }
}
