using System.Security.Cryptography;
using System.Text;

namespace Florascope.Challenges;

/// <summary>Where a challenge stands: before its opening, taking runs, or closed (private scores shown).</summary>
public enum ChallengePhase
{
    Upcoming,
    Open,
    Closed,
}

/// <summary>The calendar and the test-set split of a challenge. Pure.</summary>
public static class ChallengeRules
{
    public const int DefaultDailySubmissions = 5;
    public const int DefaultMaxTeamSize = 5;
    /// <summary>Share of the test set whose scores are public during the campaign (Kaggle's custom: about a third).</summary>
    public const int DefaultPublicPercent = 30;

    /// <summary>
    /// The phase at <paramref name="nowUtc"/>: closed once the closing date has passed or an administrator closed it
    /// early (<paramref name="closedUtc"/>).
    /// </summary>
    public static ChallengePhase PhaseAt(DateTime opensUtc, DateTime closesUtc, DateTime? closedUtc, DateTime nowUtc) =>
        closedUtc is { } c && c <= nowUtc || nowUtc >= closesUtc ? ChallengePhase.Closed
        : nowUtc < opensUtc ? ChallengePhase.Upcoming
        : ChallengePhase.Open;

    /// <summary>
    /// Whether a test observation's score is public: a keyed hash of its id, so the split is fixed for the challenge,
    /// about <paramref name="publicPercent"/> % of the observations, and cannot be guessed from the ids without the key.
    /// </summary>
    public static bool IsPublic(ReadOnlySpan<byte> splitKey, string observationId, int publicPercent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(publicPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(publicPercent, 100);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(splitKey, Encoding.UTF8.GetBytes(observationId), mac);
        return BitConverter.ToUInt32(mac) % 10_000 < publicPercent * 100;
    }

    /// <summary>The public mask of a test set (by observation index), from <see cref="IsPublic"/>.</summary>
    public static bool[] PublicMask(ReadOnlySpan<byte> splitKey, IReadOnlyList<string> observationIds, int publicPercent)
    {
        var mask = new bool[observationIds.Count];
        for (var i = 0; i < mask.Length; i++) mask[i] = IsPublic(splitKey, observationIds[i], publicPercent);
        return mask;
    }
}
