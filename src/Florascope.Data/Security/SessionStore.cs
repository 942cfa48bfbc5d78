using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Security;

/// <summary>The account behind an open session, with its rights as the users row has them now.</summary>
public sealed record SessionAccount(int UserId, string UserName, bool IsAdmin);

/// <summary>
/// Server-side sessions (<see cref="UserSession"/>): the cookie carries a random secret, the row its
/// SHA-256. A session is open until signed out, ended everywhere, or 30 days without a request.
/// </summary>
public static class SessionStore
{
    /// <summary>Sliding lifetime: a session unused this long is over.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    /// <summary>LastSeenUtc (and the expiry) are written at most this often, not on every request.</summary>
    public static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(5);

    public const int MaxUserAgent = 200;

    /// <summary>Opens a session; returns the secret for the cookie (never stored).</summary>
    public static async Task<string> StartAsync(FlorascopeDb db, int userId, string? userAgent, DateTime nowUtc, CancellationToken ct = default)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        db.UserSessions.Add(new UserSession
        {
            Id = IdOf(secret),
            UserId = userId,
            CreatedUtc = nowUtc,
            LastSeenUtc = nowUtc,
            ExpiresUtc = nowUtc + Lifetime,
            UserAgent = userAgent is { Length: > MaxUserAgent } ? userAgent[..MaxUserAgent] : userAgent,
        });
        await db.SaveChangesAsync(ct);
        return secret;
    }

    /// <summary>The row id of a secret: lower-case hex SHA-256.</summary>
    public static string IdOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>
    /// The account of an open session of <paramref name="userId"/>, with its current rights; null when
    /// the session is unknown, ended, expired or someone else's. Slides the expiry (at most every
    /// <see cref="TouchInterval"/>).
    /// </summary>
    public static async Task<SessionAccount?> ValidateAsync(FlorascopeDb db, string secret, int userId, DateTime nowUtc, CancellationToken ct = default)
    {
        var id = IdOf(secret);
        var row = await (from s in db.UserSessions
                         join u in db.Users on s.UserId equals u.Id
                         where s.Id == id && s.UserId == userId && s.EndedUtc == null && s.ExpiresUtc > nowUtc
                         select new { s.LastSeenUtc, u.UserName, u.IsAdmin }).AsNoTracking().FirstOrDefaultAsync(ct);
        if (row is null) return null;
        if (nowUtc - row.LastSeenUtc >= TouchInterval)
            await db.UserSessions.Where(s => s.Id == id && s.EndedUtc == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenUtc, nowUtc).SetProperty(x => x.ExpiresUtc, nowUtc + Lifetime), ct);
        return new SessionAccount(userId, row.UserName, row.IsAdmin);
    }

    /// <summary>Ends one session (sign-out): its cookie is refused from now on.</summary>
    public static Task<int> EndAsync(FlorascopeDb db, string secret, DateTime nowUtc, CancellationToken ct = default)
    {
        var id = IdOf(secret);
        return db.UserSessions.Where(s => s.Id == id && s.EndedUtc == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedUtc, nowUtc), ct);
    }

    /// <summary>Ends every open session of an account (sign out everywhere); returns how many.</summary>
    public static Task<int> EndAllAsync(FlorascopeDb db, int userId, DateTime nowUtc, CancellationToken ct = default) =>
        db.UserSessions.Where(s => s.UserId == userId && s.EndedUtc == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedUtc, nowUtc), ct);

    /// <summary>Open sessions of an account, newest first (the account page lists them).</summary>
    public static Task<List<UserSession>> OpenAsync(FlorascopeDb db, int userId, DateTime nowUtc, CancellationToken ct = default) =>
        db.UserSessions.AsNoTracking().Where(s => s.UserId == userId && s.EndedUtc == null && s.ExpiresUtc > nowUtc)
            .OrderByDescending(s => s.LastSeenUtc).ToListAsync(ct);

    /// <summary>Deletes sessions that ended or expired before <paramref name="beforeUtc"/>: their cookies are refused anyway.</summary>
    public static Task<int> PurgeAsync(FlorascopeDb db, DateTime beforeUtc, CancellationToken ct = default) =>
        db.UserSessions.Where(s => s.EndedUtc < beforeUtc || s.ExpiresUtc < beforeUtc).ExecuteDeleteAsync(ct);
}
