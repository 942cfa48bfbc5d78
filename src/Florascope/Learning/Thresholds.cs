namespace Florascope.Learning;

/// <summary>Choosing the decision threshold of a binary score.</summary>
public static class Thresholds
{
    /// <summary>
    /// The threshold t (accept when score >= t) that minimises the sum of the two error rates:
    /// positives under t plus negatives at or above t. Candidates are midpoints between sorted
    /// scores; among equal sums the highest t wins (rejecting a plant is the cheaper mistake:
    /// the person can ask again with no-reject).
    /// </summary>
    public static float BalancedError(IReadOnlyList<float> positives, IReadOnlyList<float> negatives)
    {
        if (positives.Count == 0 || negatives.Count == 0) return 0.5f;
        var all = positives.Concat(negatives).Distinct().Order().ToList();
        var candidates = new List<float> { all[0] };
        for (var i = 1; i < all.Count; i++) candidates.Add((all[i - 1] + all[i]) / 2);
        candidates.Add(MathF.BitIncrement(all[^1]));
        var best = candidates[0];
        var bestError = double.MaxValue;
        foreach (var t in candidates)
        {
            var error = (double)positives.Count(p => p < t) / positives.Count + (double)negatives.Count(n => n >= t) / negatives.Count;
            if (error <= bestError) { bestError = error; best = t; }
        }
        return best;
    }
}
