using Florascope.Data.ApiKeys;
using Florascope.Data.Security;
using Florascope.Tests.Observatory;

namespace Florascope.Tests.Web;

public sealed class SqliteSurveyUnitsStoreTests(SqliteStorageFixture fixture)
    : SurveyUnitsStoreTests(fixture), IClassFixture<SqliteStorageFixture>;

/// <summary>On PostgreSQL (Postgres.Require): the N-unit consume racing at the limit.</summary>
public sealed class PostgresSurveyUnitsStoreTests(PostgresStorageFixture fixture)
    : SurveyUnitsStoreTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>A survey's units counted at once, all or nothing, for keys, addresses and accounts, on every provider.</summary>
public abstract class SurveyUnitsStoreTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnitsRacingAtTheLimitAreGrantedOnlyWhileTheyAllFit()
    {
        var day = new DateOnly(2026, 4, 2);
        int keyId;
        await using (var db = fixture.NewContext())
            keyId = (await ApiKeyStore.CreateAsync(db, "survey-race", 20, fixture.Clock, Ct)).Key.Id;

        // 16 surveys of 3 units race for 20: exactly 6 fit (18), none is counted in part.
        var granted = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            await using var db = fixture.NewContext();
            return await QuotaStore.TryConsumeAsync(db, keyId, 20, day, 3, Ct);
        }));
        Assert.Equal([3, 6, 9, 12, 15, 18], granted.Where(g => g is not null).Select(g => g!.Value).Order());
        await using (var db = fixture.NewContext())
        {
            Assert.Equal(18, await QuotaStore.CountAsync(db, keyId, day, Ct));
            Assert.Null(await QuotaStore.TryConsumeAsync(db, keyId, 20, day, 3, Ct));
            Assert.Equal(20, await QuotaStore.TryConsumeAsync(db, keyId, 20, day, 2, Ct));
            Assert.Null(await QuotaStore.TryConsumeAsync(db, keyId, 20, day, Ct));
            // More units than the whole quota: refused before any SQL, even on a fresh day.
            Assert.Null(await QuotaStore.TryConsumeAsync(db, keyId, 20, day.AddDays(1), 21, Ct));
            Assert.Equal(0, await QuotaStore.CountAsync(db, keyId, day.AddDays(1), Ct));
            Assert.Equal(20, await QuotaStore.TryConsumeAsync(db, keyId, 20, day.AddDays(1), 20, Ct));
        }
    }

    [Fact]
    public async Task AddressesAndAccountsCountUnitsAtOnceToo()
    {
        var day = new DateOnly(2026, 4, 3);
        var now = new DateTime(2026, 4, 3, 9, 0, 0, DateTimeKind.Utc);
        var hash = "survey-units-" + Guid.NewGuid().ToString("N");
        var user = await fixture.NewUserAsync();
        var address = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var db = fixture.NewContext();
            return await QuotaStore.TryConsumeAddressAsync(db, hash, 10, day, 4, Ct);
        }));
        Assert.Equal([4, 8], address.Where(g => g is not null).Select(g => g!.Value).Order());
        var account = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var db = fixture.NewContext();
            return await AccountIdentifications.TryConsumeAsync(db, user, 10, now, 4, Ct);
        }));
        Assert.Equal([4, 8], account.Where(g => g is not null).Select(g => g!.Value).Order());
        await using var check = fixture.NewContext();
        Assert.Equal(8, await QuotaStore.CountAddressAsync(check, hash, day, Ct));
        Assert.Equal(8, await AccountIdentifications.UsedAsync(check, user, now, Ct));
        // The identifications of one unit still fit in what is left.
        Assert.Equal(9, await AccountIdentifications.TryConsumeAsync(check, user, 10, now, Ct));
        Assert.Null(await AccountIdentifications.TryConsumeAsync(check, user, 10, now, 11, Ct));
    }
}
