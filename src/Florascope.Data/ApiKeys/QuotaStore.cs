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
    /// the quota is used up. One statement: insert the day's row or increment it while under quota.
    /// </summary>
    public static async Task<int?> TryConsumeAsync(FlorascopeDb db, int keyId, int quota, DateOnly day, CancellationToken ct = default)
    {
        if (quota <= 0) return null;
        var rows = await db.Database.SqlQuery<int>($"""
            INSERT INTO quota_usage (api_key_id, day, count) VALUES ({keyId}, {day}, 1)
            ON CONFLICT (api_key_id, day) DO UPDATE SET count = quota_usage.count + 1
            WHERE quota_usage.count < {quota}
            RETURNING count AS "Value"
            """).ToListAsync(ct);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>The same atomic count for a network address (the web app's identifications without an account).</summary>
    public static async Task<int?> TryConsumeAddressAsync(FlorascopeDb db, string addressHash, int quota, DateOnly day, CancellationToken ct = default)
    {
        if (quota <= 0) return null;
        var rows = await db.Database.SqlQuery<int>($"""
            INSERT INTO address_usage (address_hash, day, count) VALUES ({addressHash}, {day}, 1)
            ON CONFLICT (address_hash, day) DO UPDATE SET count = address_usage.count + 1
            WHERE address_usage.count < {quota}
            RETURNING count AS "Value"
            """).ToListAsync(ct);
        return rows.Count == 0 ? null : rows[0];
    }

    public static async Task<int> CountAsync(FlorascopeDb db, int keyId, DateOnly day, CancellationToken ct = default) =>
        await db.QuotaUsage.AsNoTracking().Where(q => q.ApiKeyId == keyId && q.Day == day).Select(q => q.Count).FirstOrDefaultAsync(ct);

    public static Task<List<QuotaUsage>> HistoryAsync(FlorascopeDb db, int keyId, CancellationToken ct = default) =>
        db.QuotaUsage.AsNoTracking().Where(q => q.ApiKeyId == keyId).OrderBy(q => q.Day).ToListAsync(ct);

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>Seconds until the next 00:00 UTC, when every counter starts again.</summary>
    public static int SecondsToReset(TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return (int)Math.Ceiling((now.Date.AddDays(1) - now).TotalSeconds);
    }
}
