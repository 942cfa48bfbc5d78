namespace Florascope.Data.Security;

/// <summary>Sign-in limits (configuration section Florascope:SignIn).</summary>
public sealed class SignInLimits
{
    /// <summary>Sign-in attempts that can fail per account (or unknown login) in one window.</summary>
    public int FailuresPerAccount { get; set; } = 10;

    /// <summary>Failed sign-ins per network address in one window, whatever the accounts tried.</summary>
    public int FailuresPerAddress { get; set; } = 50;

    /// <summary>Length of a window in minutes (windows are aligned on the epoch).</summary>
    public double WindowMinutes { get; set; } = 15;

    public TimeSpan Window => TimeSpan.FromMinutes(WindowMinutes);

    /// <summary>
    /// Sign-up attempts per network address and UTC day (counted before the password is hashed), so
    /// that scripted accounts cannot multiply the per-account limits or the hashing work.
    /// </summary>
    public int SignUpsPerAddressPerDay { get; set; } = 20;

    /// <summary>
    /// Days a "known device" cookie, given at a good sign-in, lasts. A client holding one for the
    /// account has its own allowance of <see cref="FailuresPerAccount"/> failures, so that others'
    /// guesses cannot lock the owner out. 0: no known devices (every client shares the account's allowance).
    /// </summary>
    public double KnownDeviceDays { get; set; } = 180;

    public TimeSpan KnownDeviceLifetime => TimeSpan.FromDays(KnownDeviceDays);

    public void Validate()
    {
        if (FailuresPerAccount < 1 || FailuresPerAddress < 1 || !(WindowMinutes >= 1) || WindowMinutes > 24 * 60)
            throw new ArgumentException("Florascope:SignIn needs FailuresPerAccount >= 1, FailuresPerAddress >= 1 and 1 <= WindowMinutes <= 1440.");
        if (SignUpsPerAddressPerDay < 1)
            throw new ArgumentException("Florascope:SignIn needs SignUpsPerAddressPerDay >= 1.");
        if (!(KnownDeviceDays >= 0) || KnownDeviceDays > 3650)
            throw new ArgumentException("Florascope:SignIn needs 0 <= KnownDeviceDays <= 3650.");
    }
}

/// <summary>
/// Sign-in throttling per account and per address, counted in the database (<see cref="RateCounterStore"/>)
/// so that every server process shares the counts. A known account is counted by its id, an unknown
/// login by its (salted) hash, so both are refused after the same number of failures. A client that
/// proves a past good sign-in to the account (a "known device", OWASP's device cookies) is counted by
/// its device instead: failures from elsewhere, however many, do not lock it out, and its own are
/// limited alike.
/// </summary>
public static class SignInThrottle
{
    public const string AccountScope = "signin-account";
    public const string AddressScope = "signin-address";
    public const string DeviceScope = "signin-device";

    /// <summary>The subject of a known account.</summary>
    public static string AccountSubject(int userId) => "user:" + userId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The subject of a login that names no account (a salted hash: it may be a mistyped password).</summary>
    public static string UnknownLoginSubject(string loginHash) => "login:" + loginHash;

    /// <summary>The subject of a known device (its random id, from a cookie only the server can make).</summary>
    public static string DeviceSubject(string deviceId) => "device:" + deviceId;

    /// <summary>
    /// Before the password is checked. The address must be under its failure limit; then one attempt
    /// is taken atomically from the account's allowance, or from the known device's when the client
    /// holds one for this account (a good sign-in gives the allowance back), so that parallel guesses
    /// cannot overshoot it. Null: go on; else how long to wait (Retry-After).
    /// </summary>
    public static async Task<TimeSpan?> AdmitAsync(FlorascopeDb db, string accountSubject, string addressSubject, DateTime nowUtc, SignInLimits limits,
        string? deviceSubject = null, CancellationToken ct = default)
    {
        var window = RateCounterStore.Window(nowUtc, limits.Window);
        var retry = RetryAfter(nowUtc, limits.Window);
        if (await RateCounterStore.CountAsync(db, AddressScope, addressSubject, window, ct) >= limits.FailuresPerAddress) return retry;
        var (scope, subject) = deviceSubject is null ? (AccountScope, accountSubject) : (DeviceScope, deviceSubject);
        if (await RateCounterStore.TryConsumeAsync(db, scope, subject, window, limits.FailuresPerAccount, ct) is null) return retry;
        return null;
    }

    /// <summary>A wrong password or unknown login: counted against the address (the account's attempt is already counted).</summary>
    public static Task<int> FailedAsync(FlorascopeDb db, string addressSubject, DateTime nowUtc, SignInLimits limits, CancellationToken ct = default) =>
        RateCounterStore.IncrementAsync(db, AddressScope, addressSubject, RateCounterStore.Window(nowUtc, limits.Window), ct);

    /// <summary>
    /// A good sign-in: the failures it was counted with are forgotten, the account's or, from a known
    /// device, the device's only (the owner signing in says nothing of others' guesses, which stay counted).
    /// </summary>
    public static Task<int> SucceededAsync(FlorascopeDb db, string accountSubject, string? deviceSubject = null, CancellationToken ct = default) =>
        deviceSubject is null
            ? RateCounterStore.ResetAsync(db, AccountScope, accountSubject, ct)
            : RateCounterStore.ResetAsync(db, DeviceScope, deviceSubject, ct);

    /// <summary>Time to the end of the window holding <paramref name="nowUtc"/>, at least one second.</summary>
    public static TimeSpan RetryAfter(DateTime nowUtc, TimeSpan window)
    {
        var left = RateCounterStore.Window(nowUtc, window) + window - nowUtc;
        return left < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left;
    }
}
