using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.ApiKeys;

/// <summary>
/// Per-key, per-UTC-day counters, changed by single SQL statements so that any number of server
/// processes sharing the database can never grant more than the quota.
/// </summary>
public static class QuotaStore
{
    /// <summary>
    /// Counts one identification if the key has some left today; returns the new count, or null when
    /// the quota is used up.
    /// </summary>
    public static Task<int?> TryConsumeAsync(FlorascopeDb db, int keyId, int quota, DateOnly day, CancellationToken ct = default) =>
        ConsumeAsync(db, KeyUpsert, keyId, quota, day, 1, ct);

    /// <summary>
    /// Counts <paramref name="units"/> at once (a survey) if they all fit in what the key has left today; returns the new
    /// count, or null (nothing counted) when they do not.
    /// </summary>
    public static Task<int?> TryConsumeAsync(FlorascopeDb db, int keyId, int quota, DateOnly day, int units, CancellationToken ct = default) =>
        ConsumeAsync(db, KeyUpsert, keyId, quota, day, units, ct);

    /// <summary>The same atomic count for a network address (the web app's identifications without an account).</summary>
    public static Task<int?> TryConsumeAddressAsync(FlorascopeDb db, string addressHash, int quota, DateOnly day, CancellationToken ct = default) =>
        ConsumeAsync(db, AddressUpsert, addressHash, quota, day, 1, ct);

    /// <summary><paramref name="units"/> at once for a network address (the web app's surveys without an account).</summary>
    public static Task<int?> TryConsumeAddressAsync(FlorascopeDb db, string addressHash, int quota, DateOnly day, int units, CancellationToken ct = default) =>
        ConsumeAsync(db, AddressUpsert, addressHash, quota, day, units, ct);

    /// <summary>
    /// Gives back <paramref name="units"/> counted on <paramref name="day"/> (a survey that failed on the server's side):
    /// one statement, never below 0.
    /// </summary>
    public static Task<int> ReleaseAsync(FlorascopeDb db, int keyId, DateOnly day, int units, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync(Release("quota_usage", "api_key_id"), [keyId, day, units], ct);

    /// <summary>The same release for a network address.</summary>
    public static Task<int> ReleaseAddressAsync(FlorascopeDb db, string addressHash, DateOnly day, int units, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync(Release("address_usage", "address_hash"), [addressHash, day, units], ct);

    private static string Release(string table, string keyColumn) =>
        $"UPDATE {table} SET count = CASE WHEN count > {{2}} THEN count - {{2}} ELSE 0 END WHERE {keyColumn} = {{0}} AND day = {{1}}";

    private static readonly string KeyUpsert = Upsert("quota_usage", "api_key_id");
    private static readonly string AddressUpsert = Upsert("address_usage", "address_hash");

    /// <summary>
    /// One statement: insert the day's row or add the units to it while they fit in the quota,
    /// returning the new count (no row when they do not fit). Built once from this class's constant
    /// table and column names; the key, day, quota and units are parameters {0}, {1}, {2}, {3}.
    /// </summary>
    private static string Upsert(string table, string keyColumn) => $$"""
        INSERT INTO {{table}} ({{keyColumn}}, day, count) VALUES ({0}, {1}, {3})
        ON CONFLICT ({{keyColumn}}, day) DO UPDATE SET count = {{table}}.count + {3}
        WHERE {{table}}.count + {3} <= {2}
        RETURNING count AS "Value"
        """;

    private static async Task<int?> ConsumeAsync(FlorascopeDb db, string upsert, object key, int quota, DateOnly day, int units, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        // The insert of a new day's row is not guarded by the WHERE: more units than the whole quota never reach it.
        if (quota <= 0 || units > quota) return null;
        var rows = await db.Database.SqlQueryRaw<int>(upsert, key, day, quota, units).ToListAsync(ct);
        return rows.Count == 0 ? null : rows[0];
    }

    public static async Task<int> CountAsync(FlorascopeDb db, int keyId, DateOnly day, CancellationToken ct = default) =>
        await db.QuotaUsage.AsNoTracking().Where(q => q.ApiKeyId == keyId && q.Day == day).Select(q => q.Count).FirstOrDefaultAsync(ct);

    public static Task<List<QuotaUsage>> HistoryAsync(FlorascopeDb db, int keyId, CancellationToken ct = default) =>
        db.QuotaUsage.AsNoTracking().Where(q => q.ApiKeyId == keyId).OrderBy(q => q.Day).ToListAsync(ct);

    /// <summary>Today's count of a network address (checked before a body is read; <see cref="TryConsumeAddressAsync"/> still decides).</summary>
    public static async Task<int> CountAddressAsync(FlorascopeDb db, string addressHash, DateOnly day, CancellationToken ct = default) =>
        await db.AddressUsage.AsNoTracking().Where(q => q.AddressHash == addressHash && q.Day == day).Select(q => q.Count).FirstOrDefaultAsync(ct);

    /// <summary>
    /// Deletes the address counts of days before <paramref name="before"/>: a salted address hash is
    /// kept only while it can still limit someone (today), plus a margin. Returns the rows removed.
    /// </summary>
    public static Task<int> PurgeAddressesAsync(FlorascopeDb db, DateOnly before, CancellationToken ct = default) =>
        db.AddressUsage.Where(q => q.Day < before).ExecuteDeleteAsync(ct);

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>Seconds until the next 00:00 UTC, when every counter starts again.</summary>
    public static int SecondsToReset(TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return (int)Math.Ceiling((now.Date.AddDays(1) - now).TotalSeconds);
    }
}
