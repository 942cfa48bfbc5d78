namespace Florascope.Challenges;

/// <summary>An observation offered to a challenge: its database id and when the plant was seen (UTC).</summary>
public readonly record struct SplitCandidate(int Id, DateTime ObservedUtc);

/// <summary>
/// Splits a challenge's observations into training and test parts by time: the newest share (by observation date)
/// is the test set, as PlantCLEF's test sets come after their training data, so a model is judged on what it could
/// not have been trained on and the observatory's usual case (identify the next plants) is the one measured. Pure.
/// </summary>
public static class ObservationSplit
{
    public const int DefaultTestPercent = 20;

    /// <summary>How many of <paramref name="count"/> observations are test: the share rounded, at least 1 and at most count - 1.</summary>
    public static int TestCount(int count, int testPercent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(testPercent, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(testPercent, 99);
        return Math.Clamp((int)Math.Round(count * testPercent / 100.0, MidpointRounding.AwayFromZero), 1, count - 1);
    }

    /// <summary>
    /// The ids of the test observations: the newest <see cref="TestCount"/> by observation date; equal dates are
    /// ordered by id (the later saved is the newer), so the split does not depend on the order given.
    /// </summary>
    public static IReadOnlySet<int> TestIds(IReadOnlyCollection<SplitCandidate> observations, int testPercent)
    {
        var n = TestCount(observations.Count, testPercent);
        return observations.OrderByDescending(o => o.ObservedUtc).ThenByDescending(o => o.Id).Take(n).Select(o => o.Id).ToHashSet();
    }
}
