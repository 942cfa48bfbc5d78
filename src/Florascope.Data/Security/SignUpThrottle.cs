namespace Florascope.Data.Security;

/// <summary>
/// Sign-ups per network address and UTC day, counted in the database (<see cref="RateCounterStore"/>)
/// like sign-in failures, before the password is hashed and before anything is stored: each new
/// account costs a PBKDF2 hash and a row, and brings its own daily identification limit.
/// </summary>
public static class SignUpThrottle
{
    public const string AddressScope = "signup-address";

    /// <summary>Counts one sign-up of the address today. Null: go on; else how long to wait (the rest of the UTC day).</summary>
    public static async Task<TimeSpan?> AdmitAsync(FlorascopeDb db, string addressSubject, DateTime nowUtc, SignInLimits limits, CancellationToken ct = default)
    {
        var day = RateCounterStore.Day(nowUtc);
        if (await RateCounterStore.TryConsumeAsync(db, AddressScope, addressSubject, day, limits.SignUpsPerAddressPerDay, ct) is not null) return null;
        return RetryAfter(nowUtc);
    }

    /// <summary>Time to the next 00:00 UTC, at least one second.</summary>
    public static TimeSpan RetryAfter(DateTime nowUtc) => SignInThrottle.RetryAfter(nowUtc, TimeSpan.FromDays(1));
}
