using Florascope.Data.Privacy;
using Florascope.Taxonomy;
using Florascope.Tests.Observatory;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Privacy;

public sealed class SqliteThreatStatusStorageTests(SqliteStorageFixture fixture)
    : ThreatStatusStorageTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresThreatStatusStorageTests(PostgresStorageFixture fixture)
    : ThreatStatusStorageTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>The typed category on every provider: the same two-letter text column as before, read back as the enum.</summary>
public abstract class ThreatStatusStorageTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CategoriesAreStoredAsTheirCodesAndQueriedAsCategories()
    {
        await using var db = fixture.NewContext();
        await ThreatStatusStore.SetAsync(db, [new("Typus obscurus", IucnCategory.CR, "test"), new("Typus communis", IucnCategory.LC, null)], fixture.Clock, Ct);
        // A row as the string-typed version wrote it.
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO threat_statuses (\"ScientificName\", \"Category\", \"Source\", \"UpdatedUtc\") VALUES ('Typus antiquus', 'VU', NULL, {0})",
            [fixture.Clock.GetUtcNow().UtcDateTime], Ct);

        var codes = await db.Database.SqlQueryRaw<string>("SELECT \"Category\" AS \"Value\" FROM threat_statuses WHERE \"ScientificName\" LIKE 'Typus%' ORDER BY \"ScientificName\"").ToListAsync(Ct);
        Assert.Equal(["VU", "LC", "CR"], codes);
        var list = (await ThreatStatusStore.ListAsync(db, Ct)).Where(t => t.ScientificName.StartsWith("Typus", StringComparison.Ordinal)).ToList();
        Assert.Equal([IucnCategory.VU, IucnCategory.LC, IucnCategory.CR], list.Select(t => t.Category));
        Assert.Equal(["Typus antiquus", "Typus obscurus"], (await ThreatStatusStore.ObscuringNamesAsync(db, Ct)).Where(n => n.StartsWith("Typus", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.True(await ThreatStatusStore.AnyObscuringAsync(db, ["Typus communis", "Typus obscurus"], Ct));
        Assert.False(await ThreatStatusStore.AnyObscuringAsync(db, ["Typus communis", null], Ct));
        await db.ThreatStatuses.Where(t => t.ScientificName.StartsWith("Typus")).ExecuteDeleteAsync(Ct);
    }
}

/// <summary>Names resolved against a checklist (pure).</summary>
public sealed class ThreatStatusNameTests
{
    private static readonly Checklist Checklist = new([
        new Taxon { ScientificNameWithoutAuthor = "Fritillaria meleagris" },
        new Taxon { ScientificNameWithoutAuthor = "Halesia tetraptera" },
    ]);

    [Fact]
    public void NamesTakeTheChecklistsSpellingAndUnknownOnesAreKeptAndListed()
    {
        var (entries, unknown) = ThreatStatusStore.ResolveNames(
            [new("fritillaria MELEAGRIS", IucnCategory.VU, "a"), new("Halesia_tetraptera", IucnCategory.EN, null), new("Fritilaria meleagris", IucnCategory.CR, null)],
            Checklist);
        Assert.Equal([new("Fritillaria meleagris", IucnCategory.VU, "a"), new("Halesia tetraptera", IucnCategory.EN, null), new("Fritilaria meleagris", IucnCategory.CR, null)],
            entries);
        Assert.Equal(["Fritilaria meleagris"], unknown);
    }

    [Theory]
    [InlineData("VU", IucnCategory.VU)]
    [InlineData("CR", IucnCategory.CR)]
    public void CodesReadBack(string code, IucnCategory category)
    {
        Assert.Equal(category, IucnCategories.FromCode(code));
        Assert.Equal(code, IucnCategories.Code(category));
    }

    /// <summary>Queries compare the stored text, so only the exact codes are rows (commands accept any case, see Parse).</summary>
    [Theory]
    [InlineData("vu")]
    [InlineData("")]
    [InlineData("XX")]
    [InlineData("2")]
    [InlineData("02")]
    [InlineData("-1")]
    public void AStoredCodeThatIsNoCategoryIsACorruptRow(string code) =>
        Assert.Throws<InvalidDataException>(() => IucnCategories.FromCode(code));
}
