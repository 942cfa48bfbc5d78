using Florascope.Data;
using Florascope.Data.Privacy;
using Florascope.Data.Security;
using Florascope.Tests.TestSupport;
using Florascope.Web.Identify;

namespace Florascope.Tests.Jobs;

/// <summary>Secrets every node shares, in the database: stored once, the same for every reader, adopting a legacy file.</summary>
public sealed class ServerSecretsTests
{
    private static readonly DateTime Now = new(2026, 7, 1, 6, 0, 0, DateTimeKind.Utc);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DatabaseSettings Sqlite(TempDirectory dir)
    {
        var settings = new DatabaseSettings { DataDirectory = dir.Path };
        settings.Migrate();
        return settings;
    }

    [Fact]
    public void TheFirstCandidateIsStoredAndEveryLaterReaderGetsIt()
    {
        using var dir = new TempDirectory();
        var settings = Sqlite(dir);
        using var db = settings.CreateContext();
        var first = ServerSecrets.GetOrAdd(db, "test-secret", () => [1, 2, 3], Now);
        using var other = settings.CreateContext();
        var second = ServerSecrets.GetOrAdd(other, "test-secret", () => [9, 9, 9], Now);
        Assert.Equal([1, 2, 3], first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void TheGeoprivacyKeyAdoptsALegacyFileAndAConfiguredKeyWins()
    {
        using var dir = new TempDirectory();
        var legacy = Enumerable.Range(0, 32).Select(i => (byte)(5 * i + 1)).ToArray();
        dir.File(GeoprivacyKey.FileName, legacy);
        var settings = Sqlite(dir);
        using var db = settings.CreateContext();

        var loaded = GeoprivacyKey.Load(db, dir.Path, null, Now).CellOffset((1, 2));
        Assert.Equal(new GeoprivacyKey(legacy).CellOffset((1, 2)), loaded);
        // Stored: a node without the file (its own data directory) reads the same key.
        using var elsewhere = new TempDirectory();
        Assert.Equal(loaded, GeoprivacyKey.Load(db, elsewhere.Path, null, Now).CellOffset((1, 2)));
        Assert.NotEqual(loaded, GeoprivacyKey.Load(db, dir.Path, "a configured key of enough length", Now).CellOffset((1, 2)));
    }

    [Fact]
    public void WithoutAFileTheKeyIsMadeOnceAndReadBack()
    {
        using var dir = new TempDirectory();
        var settings = Sqlite(dir);
        using var db = settings.CreateContext();
        var first = GeoprivacyKey.Load(db, dir.Path, null, Now).CellOffset((1, 2));
        using var other = settings.CreateContext();
        Assert.Equal(first, GeoprivacyKey.Load(other, dir.Path, null, Now).CellOffset((1, 2)));
        Assert.False(File.Exists(Path.Combine(dir.Path, GeoprivacyKey.FileName)));
    }

    [Fact]
    public void TheAddressSaltAdoptsALegacyFile()
    {
        using var dir = new TempDirectory();
        var legacy = Enumerable.Range(0, 32).Select(i => (byte)(3 * i + 7)).ToArray();
        dir.File(AddressSalt.FileName, legacy);
        var settings = Sqlite(dir);
        using var db = settings.CreateContext();
        using var elsewhere = new TempDirectory();
        Assert.Equal(new AddressSalt(legacy).Hash("192.0.2.1"), AddressSalt.Load(db, dir.Path, Now).Hash("192.0.2.1"));
        Assert.Equal(new AddressSalt(legacy).Hash("192.0.2.1"), AddressSalt.Load(db, elsewhere.Path, Now).Hash("192.0.2.1"));
    }

    [Fact]
    public async Task ConcurrentFirstStartsOnPostgreSqlAgreeOnOneValue()
    {
        var admin = Postgres.Require();
        await using var database = await PostgresDatabase.CreateAsync(admin, Ct);
        using var dir = new TempDirectory();
        var settings = new DatabaseSettings { DataDirectory = dir.Path, Provider = DatabaseProvider.Postgres, ConnectionString = database.ConnectionString };
        settings.Migrate();
        var values = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            using var db = settings.CreateContext();
            return ServerSecrets.GetOrAdd(db, ServerSecrets.AddressSalt, () => [(byte)i, .. new byte[31]], Now);
        }, Ct)));
        Assert.All(values, v => Assert.Equal(values[0], v));
        Assert.Equal(32, values[0].Length);
    }
}
