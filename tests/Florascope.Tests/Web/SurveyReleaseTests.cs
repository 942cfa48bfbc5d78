using Florascope.Data.ApiKeys;
using Florascope.Data.Security;
using Florascope.Survey;
using Florascope.Tests.Observatory;
using Florascope.Web.Hosting;
using Florascope.Web.Survey;

namespace Florascope.Tests.Web;

public sealed class SqliteUnitsReleaseTests(SqliteStorageFixture fixture)
    : UnitsReleaseTests(fixture), IClassFixture<SqliteStorageFixture>;

/// <summary>On PostgreSQL (Postgres.Require).</summary>
public sealed class PostgresUnitsReleaseTests(PostgresStorageFixture fixture)
    : UnitsReleaseTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>Units given back (a survey that failed on the server's side, or stopped early) for keys, addresses and accounts, never below 0.</summary>
public abstract class UnitsReleaseTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnitsAreGivenBackOnTheirDayAndNeverBelowZero()
    {
        var day = new DateOnly(2026, 4, 5);
        var now = new DateTime(2026, 4, 5, 9, 0, 0, DateTimeKind.Utc);
        var hash = "release-" + Guid.NewGuid().ToString("N");
        var user = await fixture.NewUserAsync();
        await using var db = fixture.NewContext();
        var keyId = (await ApiKeyStore.CreateAsync(db, "release", 20, fixture.Clock, Ct)).Key.Id;

        Assert.Equal(12, await QuotaStore.TryConsumeAsync(db, keyId, 20, day, 12, Ct));
        Assert.Equal(12, await QuotaStore.TryConsumeAddressAsync(db, hash, 20, day, 12, Ct));
        Assert.Equal(12, await AccountIdentifications.TryConsumeAsync(db, user, 20, now, 12, Ct));

        await QuotaStore.ReleaseAsync(db, keyId, day, 5, Ct);
        await QuotaStore.ReleaseAddressAsync(db, hash, day, 5, Ct);
        await AccountIdentifications.ReleaseAsync(db, user, now, 5, Ct);
        Assert.Equal(7, await QuotaStore.CountAsync(db, keyId, day, Ct));
        Assert.Equal(7, await QuotaStore.CountAddressAsync(db, hash, day, Ct));
        Assert.Equal(7, await AccountIdentifications.UsedAsync(db, user, now, Ct));

        // Another day's count is not touched; more than counted stops at 0.
        await QuotaStore.ReleaseAsync(db, keyId, day.AddDays(-1), 5, Ct);
        Assert.Equal(7, await QuotaStore.CountAsync(db, keyId, day, Ct));
        await QuotaStore.ReleaseAsync(db, keyId, day, 50, Ct);
        await QuotaStore.ReleaseAddressAsync(db, hash, day, 50, Ct);
        await AccountIdentifications.ReleaseAsync(db, user, now, 50, Ct);
        Assert.Equal(0, await QuotaStore.CountAsync(db, keyId, day, Ct));
        Assert.Equal(0, await QuotaStore.CountAddressAsync(db, hash, day, Ct));
        Assert.Equal(0, await AccountIdentifications.UsedAsync(db, user, now, Ct));
        // What was given back can be counted again.
        Assert.Equal(20, await QuotaStore.TryConsumeAsync(db, keyId, 20, day, 20, Ct));
    }
}

/// <summary>What a survey that stops early keeps (pure), and the refusal kind of a full node.</summary>
public sealed class SurveyRefundTests
{
    [Theory]
    // 100 windows = 10 units, 7 chunks of 16.
    [InlineData(10, 100, 0, 10)] // nothing ran: all given back
    [InlineData(10, 100, 1, 8)] // 16 windows ran: 2 units kept
    [InlineData(10, 100, 3, 5)] // 48 windows: 5 kept
    [InlineData(10, 100, 7, 0)] // all ran: nothing given back
    [InlineData(10, 100, 9, 0)] // more chunks than there are: still nothing
    [InlineData(1, 5, 1, 0)] // a one-unit survey that ran keeps its unit
    public void AStoppedSurveyKeepsTheUnitsOfTheWindowsThatRan(int units, int tiles, int chunksDone, int givenBack)
    {
        Assert.Equal(units, SurveyCost.Units(tiles));
        Assert.Equal(givenBack, SurveyRefund.Unused(units, tiles, chunksDone));
    }

    [Fact]
    public void AFullNodeIsACountedRefusalKind() =>
        Assert.Equal("surveys-busy", ServerMetrics.Label(LimitKind.SurveysBusy));
}
