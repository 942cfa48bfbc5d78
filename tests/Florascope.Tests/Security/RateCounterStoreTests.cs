using Florascope.Data.ApiKeys;
using Florascope.Data.Security;
using Florascope.Tests.Observatory;
using Florascope.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Security;

public sealed class SqliteRateCounterStoreTests(SqliteStorageFixture fixture)
    : RateCounterStoreTests(fixture), IClassFixture<SqliteStorageFixture>;

public sealed class PostgresRateCounterStoreTests(PostgresStorageFixture fixture)
    : RateCounterStoreTests(fixture), IClassFixture<PostgresStorageFixture>;

/// <summary>The shared counters behind sign-in throttling and per-account limits, on every provider.</summary>
public abstract class RateCounterStoreTests(StorageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CountsPerScopeSubjectAndWindow()
    {
        var day = RateCounterStore.Day(new DateTime(2026, 4, 2, 8, 15, 0, DateTimeKind.Utc));
        await using var db = fixture.NewContext();
        Assert.Equal(1, await RateCounterStore.IncrementAsync(db, "t-count", "a", day, Ct));
        Assert.Equal(2, await RateCounterStore.IncrementAsync(db, "t-count", "a", day, Ct));
        Assert.Equal(1, await RateCounterStore.IncrementAsync(db, "t-count", "b", day, Ct));
        Assert.Equal(1, await RateCounterStore.IncrementAsync(db, "t-count", "a", day.AddDays(1), Ct));
        Assert.Equal(2, await RateCounterStore.CountAsync(db, "t-count", "a", day, Ct));
        Assert.Equal(0, await RateCounterStore.CountAsync(db, "t-count", "c", day, Ct));
        await RateCounterStore.ResetAsync(db, "t-count", "a", Ct);
        Assert.Equal(0, await RateCounterStore.CountAsync(db, "t-count", "a", day, Ct));
        Assert.Equal(1, await RateCounterStore.CountAsync(db, "t-count", "b", day, Ct));
    }

    [Fact]
    public async Task ConcurrentConsumersNeverPassTheLimit()
    {
        var window = RateCounterStore.Window(new DateTime(2026, 4, 2, 8, 15, 42, DateTimeKind.Utc), TimeSpan.FromMinutes(1));
        Assert.Equal(new DateTime(2026, 4, 2, 8, 15, 0, DateTimeKind.Utc), window);
        var granted = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            await using var db = fixture.NewContext();
            return await RateCounterStore.TryConsumeAsync(db, "t-limit", "x", window, 10, Ct);
        }));
        Assert.Equal(10, granted.Count(g => g is not null));
        Assert.Equal(Enumerable.Range(1, 10), granted.Where(g => g is not null).Select(g => g!.Value).Order());
        await using var check = fixture.NewContext();
        Assert.Equal(10, await RateCounterStore.CountAsync(check, "t-limit", "x", window, Ct));
        // Other facts of this class share the database: their older windows may go too.
        Assert.True(await RateCounterStore.PurgeAsync(check, window.AddMinutes(1), Ct) >= 1);
        Assert.Equal(0, await RateCounterStore.CountAsync(check, "t-limit", "x", window, Ct));
    }

    [Fact]
    public async Task HousekeepingRemovesOldWindowsAndDeadSessionsOnly()
    {
        var now = new DateTime(2026, 4, 10, 12, 0, 0, DateTimeKind.Utc);
        var user = await fixture.NewUserAsync();
        await using var db = fixture.NewContext();
        await RateCounterStore.IncrementAsync(db, "t-house", "old", RateCounterStore.Day(now.AddDays(-3)), Ct);
        await RateCounterStore.IncrementAsync(db, "t-house", "recent", RateCounterStore.Day(now.AddDays(-1)), Ct);
        await SessionStore.StartAsync(db, user, "old", now.AddDays(-40), Ct);
        var ended = await SessionStore.StartAsync(db, user, "ended", now.AddDays(-3), Ct);
        await SessionStore.EndAsync(db, ended, now.AddDays(-2), Ct);
        var open = await SessionStore.StartAsync(db, user, "open", now.AddHours(-1), Ct);
        // Anonymous daily counts per (salted) address: three days ago, yesterday, today.
        var today = DateOnly.FromDateTime(now);
        foreach (var (hash, day) in new[] { ("t-house-old", today.AddDays(-3)), ("t-house-yesterday", today.AddDays(-1)), ("t-house-today", today) })
            Assert.Equal(1, await QuotaStore.TryConsumeAddressAsync(db, hash, 50, day, Ct));

        var (counters, sessions, addresses) = await Housekeeping.RunOnceAsync(db, now, Ct);

        Assert.True(counters >= 1);
        Assert.Equal(0, await RateCounterStore.CountAsync(db, "t-house", "old", RateCounterStore.Day(now.AddDays(-3)), Ct));
        Assert.Equal(1, await RateCounterStore.CountAsync(db, "t-house", "recent", RateCounterStore.Day(now.AddDays(-1)), Ct));
        Assert.Equal(2, sessions);
        Assert.Equal([SessionStore.IdOf(open)], await db.UserSessions.Where(s => s.UserId == user).Select(s => s.Id).ToListAsync(Ct));
        Assert.True(addresses >= 1);
        Assert.Equal(0, await QuotaStore.CountAddressAsync(db, "t-house-old", today.AddDays(-3), Ct));
        Assert.Equal(1, await QuotaStore.CountAddressAsync(db, "t-house-yesterday", today.AddDays(-1), Ct));
        Assert.Equal(1, await QuotaStore.CountAddressAsync(db, "t-house-today", today, Ct));
    }
}
