using System.Globalization;

namespace Florascope.Data.Security;

/// <summary>
/// The web app's daily identifications per signed-in account, counted in <see cref="RateCounterStore"/>
/// (scope <see cref="Scope"/>, the user id, the UTC day), so every server process sharing the database
/// counts them once. <see cref="UsedAsync"/> is read before a request's body is read (a used-up
/// account is refused at once); <see cref="TryConsumeAsync"/> counts one atomically once the photos
/// are known to be good, so refused input never counts. The model's vote on a new observation
/// (POST /api/observations) is one of them too: without it, saving and deleting observations would
/// be unlimited inference.
/// </summary>
public static class AccountIdentifications
{
    public const string Scope = "identify-user";

    public static Task<int> UsedAsync(FlorascopeDb db, int userId, DateTime nowUtc, CancellationToken ct = default) =>
        RateCounterStore.CountAsync(db, Scope, Subject(userId), RateCounterStore.Day(nowUtc), ct);

    /// <summary>The new count, or null when <paramref name="limit"/> identifications were already counted today.</summary>
    public static Task<int?> TryConsumeAsync(FlorascopeDb db, int userId, int limit, DateTime nowUtc, CancellationToken ct = default) =>
        RateCounterStore.TryConsumeAsync(db, Scope, Subject(userId), RateCounterStore.Day(nowUtc), limit, ct);

    /// <summary>
    /// Counts <paramref name="units"/> at once (a survey, <c>SurveyCost.Units</c>) if they fit under <paramref name="limit"/>
    /// today; the new count, or null (nothing counted) when they do not.
    /// </summary>
    public static Task<int?> TryConsumeAsync(FlorascopeDb db, int userId, int limit, DateTime nowUtc, int units, CancellationToken ct = default) =>
        RateCounterStore.TryConsumeAsync(db, Scope, Subject(userId), RateCounterStore.Day(nowUtc), limit, units, ct);

    /// <summary>
    /// Gives back one identification counted at <paramref name="countedUtc"/>: a save answered with the observation
    /// another request (a retry, its twin) had already made, or a save that failed after the model ran, used none.
    /// </summary>
    public static Task<int> ReleaseAsync(FlorascopeDb db, int userId, DateTime countedUtc, CancellationToken ct = default) =>
        RateCounterStore.ReleaseAsync(db, Scope, Subject(userId), RateCounterStore.Day(countedUtc), ct);

    /// <summary>Gives back <paramref name="units"/> counted at <paramref name="countedUtc"/> (a survey that failed on the server's side); never below 0.</summary>
    public static Task<int> ReleaseAsync(FlorascopeDb db, int userId, DateTime countedUtc, int units, CancellationToken ct = default) =>
        RateCounterStore.ReleaseAsync(db, Scope, Subject(userId), RateCounterStore.Day(countedUtc), units, ct);

    private static string Subject(int userId) => userId.ToString(CultureInfo.InvariantCulture);
}
