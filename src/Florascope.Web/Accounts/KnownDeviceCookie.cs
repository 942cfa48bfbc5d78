using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Florascope.Web.Accounts;

/// <summary>
/// The "known device" cookie (OWASP's device cookies against account lockout): given at a good
/// sign-in or sign-up, it names one account and a random device id, protected by ASP.NET Core Data
/// Protection (the keys of the sign-in cookie) so that only the server can make one. It grants no
/// access: it only lets the client sign in under its own failure allowance (SignInThrottle).
/// </summary>
public static class KnownDeviceCookie
{
    public const string Name = "florascope.device";
    private const string Purpose = "Florascope.Accounts.KnownDevice.v1";

    /// <summary>The device id when the request carries a valid, unexpired cookie for <paramref name="userId"/>; else null.</summary>
    public static string? DeviceOf(HttpContext context, IDataProtectionProvider protection, int userId, DateTime nowUtc)
    {
        if (!context.Request.Cookies.TryGetValue(Name, out var value) || value is not { Length: > 0 and <= 1024 }) return null;
        string payload;
        try
        {
            payload = protection.CreateProtector(Purpose).Unprotect(value);
        }
        catch (CryptographicException)
        {
            // Forged, damaged, or made with keys the server no longer has: an unknown device.
            return null;
        }
        var parts = payload.Split('|');
        return parts.Length == 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id == userId
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) && nowUtc.Ticks < expires
            ? parts[1] : null;
    }

    /// <summary>Gives the client a new known-device cookie for <paramref name="userId"/> (none when the lifetime is 0).</summary>
    public static void Issue(HttpContext context, IDataProtectionProvider protection, int userId, DateTime nowUtc, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero) return;
        var expires = nowUtc + lifetime;
        var deviceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var payload = string.Create(CultureInfo.InvariantCulture, $"{userId}|{deviceId}|{expires.Ticks}");
        context.Response.Cookies.Append(Name, protection.CreateProtector(Purpose).Protect(payload), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/api/account",
            // Relative: the browser's clock decides when it forgets the cookie, the server's when it refuses it.
            MaxAge = lifetime,
            IsEssential = true,
        });
    }
}
