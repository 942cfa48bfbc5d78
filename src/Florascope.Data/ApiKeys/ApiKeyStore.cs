using System.Security.Cryptography;
using System.Text;
using Florascope.Messages;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.ApiKeys;

/// <summary>Creating, finding, listing, revoking API keys and allowing them to survey. Keys are 256 random bits, stored as their SHA-256.</summary>
public static class ApiKeyStore
{
    public const int DefaultDailyQuota = 500;
    private const string KeyPrefix = "fsk_";

    public static Task<(ApiKey Key, string Secret)> CreateAsync(FlorascopeDb db, string name, int dailyQuota, TimeProvider clock, CancellationToken ct = default) =>
        CreateAsync(db, name, dailyQuota, clock, null, ct);

    public static Task<(ApiKey Key, string Secret)> CreateAsync(FlorascopeDb db, string name, int dailyQuota, TimeProvider clock,
        int? userId, CancellationToken ct = default) =>
        CreateAsync(db, name, dailyQuota, clock, userId, allowSurvey: false, ct);

    /// <summary>Creates a key, optionally owned by an account and allowed to survey (only the operator decides that, never the owner).</summary>
    public static async Task<(ApiKey Key, string Secret)> CreateAsync(FlorascopeDb db, string name, int dailyQuota, TimeProvider clock,
        int? userId, bool allowSurvey, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("An API key needs a name.");
        if (dailyQuota < 0) throw new ArgumentException("The daily quota cannot be negative.");
        var secret = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            Name = name.Trim(),
            KeyHash = Hash(secret),
            Prefix = secret[..12],
            DailyQuota = dailyQuota,
            CreatedUtc = clock.GetUtcNow(),
            UserId = userId,
            AllowSurvey = allowSurvey,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return (key, secret);
    }

    /// <summary>The active key with this secret, or null. A plain hash suffices: keys are random, not passwords.</summary>
    public static Task<ApiKey?> FindAsync(FlorascopeDb db, string secret, CancellationToken ct = default)
    {
        var hash = Hash(secret);
        return db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == hash && k.RevokedUtc == null, ct);
    }

    public static async Task<bool> RevokeAsync(FlorascopeDb db, string idOrPrefix, TimeProvider clock, CancellationToken ct = default)
    {
        var key = await FindAnyAsync(db, idOrPrefix, ct);
        if (key is null || key.RevokedUtc is not null) return false;
        key.RevokedUtc = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Allows or disallows surveys for the key with this id or prefix (the CLI and the administrators' page).
    /// A revoked key is refused rather than changed: it can never run anything again, so a grant would only mislead.
    /// </summary>
    /// <exception cref="ApiKeyException">No such key (<see cref="ApiKeyError.NotFound"/>) or a revoked one (<see cref="ApiKeyError.Revoked"/>).</exception>
    public static async Task<ApiKey> SetSurveyAsync(FlorascopeDb db, string idOrPrefix, bool allow, CancellationToken ct = default) =>
        await SetSurveyAsync(db, await FindAnyAsync(db, idOrPrefix, ct), idOrPrefix, allow, ct);

    /// <inheritdoc cref="SetSurveyAsync(FlorascopeDb, string, bool, CancellationToken)"/>
    public static async Task<ApiKey> SetSurveyAsync(FlorascopeDb db, int id, bool allow, CancellationToken ct = default) =>
        await SetSurveyAsync(db, await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct), id.ToString(System.Globalization.CultureInfo.InvariantCulture), allow, ct);

    private static async Task<ApiKey> SetSurveyAsync(FlorascopeDb db, ApiKey? key, string idOrPrefix, bool allow, CancellationToken ct)
    {
        if (key is null) throw new ApiKeyException(ApiKeyError.NotFound, MessageText.Of("server.apikeys.unknown", "No API key '{key}'.", ("key", idOrPrefix)));
        if (key.RevokedUtc is not null)
            throw new ApiKeyException(ApiKeyError.Revoked, MessageText.Of("server.apikeys.revoked", "The API key '{key}' is revoked: it cannot be changed.", ("key", idOrPrefix)));
        key.AllowSurvey = allow;
        await db.SaveChangesAsync(ct);
        return key;
    }

    /// <summary>One page of every key, newest first, with its owner's user name and today's count (the administrators' list).</summary>
    public static Task<List<ApiKeyListing>> ListAsync(FlorascopeDb db, DateOnly today, int skip, int take, CancellationToken ct = default) =>
        ListingsAsync(db, db.ApiKeys.OrderByDescending(k => k.Id).Skip(skip).Take(take), today, ct);

    /// <summary>One key as <see cref="ListAsync"/> shows it, or null.</summary>
    public static async Task<ApiKeyListing?> ListingAsync(FlorascopeDb db, int id, DateOnly today, CancellationToken ct = default) =>
        (await ListingsAsync(db, db.ApiKeys.Where(k => k.Id == id), today, ct)).FirstOrDefault();

    private static async Task<List<ApiKeyListing>> ListingsAsync(FlorascopeDb db, IQueryable<ApiKey> query, DateOnly today, CancellationToken ct)
    {
        var keys = await query.AsNoTracking()
            .Select(k => new { Key = k, Owner = db.Users.Where(u => u.Id == k.UserId).Select(u => u.UserName).FirstOrDefault() })
            .ToListAsync(ct);
        var ids = keys.Select(k => k.Key.Id).ToList();
        var used = await db.QuotaUsage.AsNoTracking().Where(q => ids.Contains(q.ApiKeyId) && q.Day == today).ToDictionaryAsync(q => q.ApiKeyId, q => q.Count, ct);
        return [.. keys.Select(k => new ApiKeyListing(k.Key, k.Owner, used.GetValueOrDefault(k.Key.Id)))];
    }

    private static Task<ApiKey?> FindAnyAsync(FlorascopeDb db, string idOrPrefix, CancellationToken ct) =>
        int.TryParse(idOrPrefix, out var id)
            ? db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct)
            : db.ApiKeys.FirstOrDefaultAsync(k => k.Prefix == idOrPrefix, ct);

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
