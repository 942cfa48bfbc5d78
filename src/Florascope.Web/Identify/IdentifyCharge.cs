using Florascope.Data;
using Florascope.Data.ApiKeys;
using Florascope.Data.Security;
using Florascope.Messages;
using Florascope.Web.Accounts;
using Florascope.Web.Hosting;
using Florascope.Web.Quota;

namespace Florascope.Web.Identify;

/// <summary>
/// Who pays for an identification or a survey, in units (an identification is one unit, a survey
/// <c>SurveyCost.Units</c>), against one daily limit: an api-key's quota, an account's or an address's
/// identifications. <see cref="CheckAsync"/> runs before the body is read: a caller with nothing left gets
/// its 429 at once. <see cref="ConsumeAsync"/> counts the units atomically, all or nothing, once the input
/// is known to be good, so refused input never counts (a request that passed the check can still lose the
/// race there: it gets a 429 too). <see cref="ReleaseAsync"/> gives units back after a failure of the server's own.
/// </summary>
public sealed class IdentifyCharge
{
    private readonly int _limit;
    private readonly Func<Task<int>> _used;
    private readonly Func<int, Task<int?>> _tryConsume;
    private readonly Func<int, Task> _release;
    private readonly Func<int, MessageText, IResult> _refuse;
    private readonly MessageText _usedUp;
    private readonly Action<int>? _counted;

    private IdentifyCharge(int limit, Func<Task<int>> used, Func<int, Task<int?>> tryConsume, Func<int, Task> release,
        Func<int, MessageText, IResult> refuse, MessageText usedUp, Action<int>? counted = null)
    {
        (_limit, _used, _tryConsume, _release, _refuse, _usedUp, _counted) = (limit, used, tryConsume, release, refuse, usedUp, counted);
    }

    /// <summary>The 429 when nothing is left today, else null.</summary>
    public async Task<IResult?> CheckAsync() => await _used() is var used && used >= _limit ? _refuse(used, _usedUp) : null;

    /// <summary>
    /// Counts <paramref name="units"/> at once; the units left, or the 429. <paramref name="whenShort"/> words the
    /// refusal from the units left (a survey says what it needs); without it the caller is told its limit is used up.
    /// </summary>
    public async Task<(int? Remaining, IResult? Refusal)> ConsumeAsync(int units = 1, Func<int, MessageText>? whenShort = null)
    {
        if (await _tryConsume(units) is { } used)
        {
            _counted?.Invoke(used);
            return (_limit - used, null);
        }
        if (whenShort is null) return (null, _refuse(_limit, _usedUp));
        var now = await _used();
        return (null, _refuse(now, whenShort(Math.Max(0, _limit - now))));
    }

    /// <summary>Gives back <paramref name="units"/> counted by <see cref="ConsumeAsync"/> (on the day they were counted; never below 0).</summary>
    public Task ReleaseAsync(int units) => units > 0 ? _release(units) : Task.CompletedTask;

    /// <summary>An api-key's daily quota (/v2/...): 429 with the RateLimit headers, which counted requests carry too.</summary>
    public static IdentifyCharge ForKey(HttpContext context, FlorascopeDb db, ApiKey key, TimeProvider clock, CancellationToken ct)
    {
        var day = QuotaStore.Today(clock);
        return new IdentifyCharge(key.DailyQuota,
            () => QuotaStore.CountAsync(db, key.Id, QuotaStore.Today(clock), ct),
            units =>
            {
                day = QuotaStore.Today(clock);
                return QuotaStore.TryConsumeAsync(db, key.Id, key.DailyQuota, day, units, ct);
            },
            // Not the request's token: a release after the client went away must still happen.
            units => QuotaStore.ReleaseAsync(db, key.Id, day, units, CancellationToken.None),
            (used, message) =>
            {
                ApiKeyAccess.AddQuotaHeaders(context.Response, key, used, clock);
                ServerMetrics.Refused(LimitKind.ApiKeyDaily);
                return ApiErrors.Error(StatusCodes.Status429TooManyRequests, message);
            },
            MessageText.Untranslated($"The daily quota of {key.DailyQuota} identifications of this api-key is used up; it resets at 00:00 UTC."),
            used => ApiKeyAccess.AddQuotaHeaders(context.Response, key, used, clock));
    }

    /// <summary>The web app's limits (/api/...): per account when signed in, per address (a salted hash) otherwise.</summary>
    public static IdentifyCharge ForWeb(HttpContext context, FlorascopeDb db, AddressSalt salt, FlorascopeOptions options, TimeProvider clock, CancellationToken ct) =>
        AccountsApi.CurrentUserId(context.User) is { } userId
            ? ForAccount(context, db, userId, options.SignedInDailyIdentifications, clock, ct)
            : ForAddress(context, db, salt.Hash(ClientLimits.AddressOf(context)), options.AnonymousDailyIdentifications, clock, ct);

    private static IdentifyCharge ForAccount(HttpContext context, FlorascopeDb db, int userId, int limit, TimeProvider clock, CancellationToken ct)
    {
        var counted = clock.GetUtcNow().UtcDateTime;
        return new IdentifyCharge(limit,
            () => AccountIdentifications.UsedAsync(db, userId, clock.GetUtcNow().UtcDateTime, ct),
            units =>
            {
                counted = clock.GetUtcNow().UtcDateTime;
                return AccountIdentifications.TryConsumeAsync(db, userId, limit, counted, units, ct);
            },
            units => AccountIdentifications.ReleaseAsync(db, userId, counted, units, CancellationToken.None),
            (_, message) => Refuse(context, clock, LimitKind.SignedInDaily, message),
            MessageText.Of("server.identify.account-used-up", "The {limit} identifications a day of your account are used up; come back after 00:00 UTC.", ("limit", limit)));
    }

    private static IdentifyCharge ForAddress(HttpContext context, FlorascopeDb db, string addressHash, int limit, TimeProvider clock, CancellationToken ct)
    {
        var day = QuotaStore.Today(clock);
        return new IdentifyCharge(limit,
            () => QuotaStore.CountAddressAsync(db, addressHash, QuotaStore.Today(clock), ct),
            units =>
            {
                day = QuotaStore.Today(clock);
                return QuotaStore.TryConsumeAddressAsync(db, addressHash, limit, day, units, ct);
            },
            units => QuotaStore.ReleaseAddressAsync(db, addressHash, day, units, CancellationToken.None),
            (_, message) => Refuse(context, clock, LimitKind.AnonymousDaily, message),
            MessageText.Of("server.identify.address-used-up", "The {limit} identifications a day without an account are used up from this address; sign in, or come back after 00:00 UTC.", ("limit", limit)));
    }

    /// <summary>429 with Retry-After: the seconds to 00:00 UTC, when daily counts start again.</summary>
    private static IResult Refuse(HttpContext context, TimeProvider clock, LimitKind kind, MessageText message)
    {
        ServerMetrics.Refused(kind);
        context.Response.Headers.RetryAfter = QuotaStore.SecondsToReset(clock).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiErrors.Error(StatusCodes.Status429TooManyRequests, message);
    }
}

/// <summary>The multipart boundary of a request (identify and survey bodies alike).</summary>
public static class Multipart
{
    /// <summary>The boundary of a multipart/form-data request, or null.</summary>
    public static string? BoundaryOf(HttpRequest request) =>
        request.ContentType is { } type && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media)
        && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
        && Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(media.Boundary).Value is { Length: > 0 } boundary ? boundary : null;
}
