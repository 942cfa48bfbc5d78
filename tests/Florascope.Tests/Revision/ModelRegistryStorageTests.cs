using Florascope.Data.Models;
using Florascope.Tests.Observatory;

namespace Florascope.Tests.Revision;

public sealed class SqliteModelRegistryStorageTests(SqliteStorageFixture fixture)
    : ModelRegistryStorageTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresModelRegistryStorageTests(PostgresStorageFixture fixture)
    : ModelRegistryStorageTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>The registry's refusals are typed (a server job maps them like the CLI does), also when two processes race.</summary>
public abstract class ModelRegistryStorageTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ModelVersion Candidate(string version, bool promoted) =>
        new() { Version = version, Path = "/models/" + version, CreatedUtc = new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc), Promoted = promoted };

    [Fact]
    public async Task TwiceTheSameVersionAndAnUnknownOneAreTypedRefusals()
    {
        await using (var db = fixture.NewContext())
            await ModelRegistry.RecordAsync(db, Candidate("reg-a", promoted: true), Ct);
        await using (var db = fixture.NewContext())
        {
            var again = await Assert.ThrowsAsync<ModelRegistryException>(() => ModelRegistry.RecordAsync(db, Candidate("reg-a", promoted: false), Ct));
            Assert.Equal(ModelRegistryError.AlreadyRegistered, again.Error);
            var unknown = await Assert.ThrowsAsync<ModelRegistryException>(() => ModelRegistry.PromoteAsync(db, "reg-none", "test", Ct));
            Assert.Equal(ModelRegistryError.NotRegistered, unknown.Error);
        }
    }

    [Fact]
    public async Task TwoProcessesRegisteringOneVersionGiveOneRowAndOneTypedRefusal()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var db = fixture.NewContext();
            try
            {
                await ModelRegistry.RecordAsync(db, Candidate("reg-race", promoted: false), Ct);
                return "ok";
            }
            catch (ModelRegistryException e)
            {
                return e.Error.ToString();
            }
        }));
        Assert.Equal(["AlreadyRegistered", "ok"], results.Order(StringComparer.Ordinal));
    }
}
