using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Security;

/// <summary>
/// Counters per (scope, subject, window) in the database, changed by single SQL statements like the
/// API quotas (<see cref="ApiKeys.QuotaStore"/>), so that every server process sharing the database
/// counts the same events once: sign-in failures per account and per address, identifications per
/// account and day. Windows start at a UTC instant the caller chooses (the day, the minute...).
/// </summary>
public static class RateCounterStore
{
    private const string IncrementSql = """
        INSERT INTO rate_counters (scope, subject, window_start, count) VALUES ({0}, {1}, {2}, 1)
        ON CONFLICT (scope, subject, window_start) DO UPDATE SET count = rate_counters.count + 1
        RETURNING count AS "Value"
        """;

    private const string ConsumeSql = """
        INSERT INTO rate_counters (scope, subject, window_start, count) VALUES ({0}, {1}, {2}, 1)
        ON CONFLICT (scope, subject, window_start) DO UPDATE SET count = rate_counters.count + 1
        WHERE rate_counters.count < {3}
        RETURNING count AS "Value"
        """;

    private const string ConsumeManySql = """
        INSERT INTO rate_counters (scope, subject, window_start, count) VALUES ({0}, {1}, {2}, {4})
        ON CONFLICT (scope, subject, window_start) DO UPDATE SET count = rate_counters.count + {4}
        WHERE rate_counters.count + {4} <= {3}
        RETURNING count AS "Value"
        """;

    private const string CountSql = """
        SELECT count AS "Value" FROM rate_counters WHERE scope = {0} AND subject = {1} AND window_start = {2}
        """;

    /// <summary>Counts one event, whatever the count; returns the new count.</summary>
    public static async Task<int> IncrementAsync(FlorascopeDb db, string scope, string subject, DateTime windowStart, CancellationToken ct = default)
    {
        var rows = await db.Database.SqlQueryRaw<int>(IncrementSql, scope, subject, Utc(windowStart)).ToListAsync(ct);
        return rows[0];
    }

    /// <summary>Counts one event if fewer than <paramref name="limit"/> were counted in the window; the new count, or null when the limit is reached.</summary>
    public static async Task<int?> TryConsumeAsync(FlorascopeDb db, string scope, string subject, DateTime windowStart, int limit, CancellationToken ct = default)
    {
        if (limit <= 0) return null;
        var rows = await db.Database.SqlQueryRaw<int>(ConsumeSql, scope, subject, Utc(windowStart), limit).ToListAsync(ct);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>
    /// Counts <paramref name="units"/> events at once if they all fit under <paramref name="limit"/> in the window; the new
    /// count, or null (nothing counted) when they do not.
    /// </summary>
    public static async Task<int?> TryConsumeAsync(FlorascopeDb db, string scope, string subject, DateTime windowStart, int limit, int units, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        // A new window's row is inserted unguarded: more units than the limit never reach the statement.
        if (limit <= 0 || units > limit) return null;
        var rows = await db.Database.SqlQueryRaw<int>(ConsumeManySql, scope, subject, Utc(windowStart), limit, units).ToListAsync(ct);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Takes back one event counted in a window (work counted but not done, e.g. a save that another request had already made).</summary>
    public static Task<int> ReleaseAsync(FlorascopeDb db, string scope, string subject, DateTime windowStart, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync("UPDATE rate_counters SET count = count - 1 WHERE scope = {0} AND subject = {1} AND window_start = {2} AND count > 0",
            [scope, subject, Utc(windowStart)], ct);

    /// <summary>Takes <paramref name="units"/> off a window's count in one statement, never below 0.</summary>
    public static Task<int> ReleaseAsync(FlorascopeDb db, string scope, string subject, DateTime windowStart, int units, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync("UPDATE rate_counters SET count = CASE WHEN count > {3} THEN count - {3} ELSE 0 END WHERE scope = {0} AND subject = {1} AND window_start = {2}",
            [scope, subject, Utc(windowStart), units], ct);

    /// <summary>The count in a window (0 when nothing was counted).</summary>
    public static async Task<int> CountAsync(FlorascopeDb db, string scope, string subject, DateTime windowStart, CancellationToken ct = default)
    {
        var rows = await db.Database.SqlQueryRaw<int>(CountSql, scope, subject, Utc(windowStart)).ToListAsync(ct);
        return rows.Count == 0 ? 0 : rows[0];
    }

    /// <summary>Forgets a subject's counts in a scope (e.g. the failures of an account after a good sign-in).</summary>
    public static Task<int> ResetAsync(FlorascopeDb db, string scope, string subject, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync("DELETE FROM rate_counters WHERE scope = {0} AND subject = {1}", [scope, subject], ct);

    /// <summary>Removes windows that started before <paramref name="beforeUtc"/>; they can no longer limit anything.</summary>
    public static Task<int> PurgeAsync(FlorascopeDb db, DateTime beforeUtc, CancellationToken ct = default) =>
        db.Database.ExecuteSqlRawAsync("DELETE FROM rate_counters WHERE window_start < {0}", [Utc(beforeUtc)], ct);

    /// <summary>The start of the UTC day of <paramref name="nowUtc"/>.</summary>
    public static DateTime Day(DateTime nowUtc) => DateTime.SpecifyKind(nowUtc.Date, DateTimeKind.Utc);

    /// <summary>The start of the window of <paramref name="length"/> containing <paramref name="nowUtc"/> (windows aligned on the epoch).</summary>
    public static DateTime Window(DateTime nowUtc, TimeSpan length) =>
        new(nowUtc.Ticks - nowUtc.Ticks % length.Ticks, DateTimeKind.Utc);

    private static DateTime Utc(DateTime t) => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t.ToUniversalTime(), DateTimeKind.Utc);
}
