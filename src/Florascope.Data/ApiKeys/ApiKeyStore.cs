using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.ApiKeys;

/// <summary>Creating, finding and revoking API keys. Keys are 256 random bits, stored as their SHA-256.</summary>
public static class ApiKeyStore
{
    public const int DefaultDailyQuota = 500;
    private const string KeyPrefix = "fsk_";

    public static Task<(ApiKey Key, string Secret)> CreateAsync(FlorascopeDb db, string name, int dailyQuota, TimeProvider clock, CancellationToken ct = default) =>
        CreateAsync(db, name, dailyQuota, clock, null, ct);

    /// <summary>Creates a key, optionally owned by an account.</summary>
    public static async Task<(ApiKey Key, string Secret)> CreateAsync(FlorascopeDb db, string name, int dailyQuota, TimeProvider clock,
        int? userId, CancellationToken ct = default)
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
        var key = int.TryParse(idOrPrefix, out var id)
            ? await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct)
            : await db.ApiKeys.FirstOrDefaultAsync(k => k.Prefix == idOrPrefix, ct);
        if (key is null || key.RevokedUtc is not null) return false;
        key.RevokedUtc = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return true;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
