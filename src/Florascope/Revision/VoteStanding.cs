namespace Florascope.Revision;

/// <summary>Where a task stands, as a person would say it.</summary>
public enum StandingKind
{
    /// <summary>Nothing counted yet: nobody named it (and the model, if any, does not vote).</summary>
    NoVotes,
    /// <summary>The weighted vote validates <see cref="Standing.Leading"/>.</summary>
    Valid,
    /// <summary>Every counted vote names one label, which does not weigh enough yet.</summary>
    NeedsAgreement,
    /// <summary>The counted votes name several labels and none is valid.</summary>
    Split,
}

/// <summary>
/// A task's standing in plain words: the leading label, the strongest other one when split, and how many
/// more votes agreeing with the leading label would make it valid, at a newcomer's weight and at an
/// experienced identifier's (0 when valid; -1 when no number of such votes would do).
/// </summary>
public readonly record struct Standing(StandingKind Kind, int Leading, int Runner, int MoreVotes, int MoreExperiencedVotes);

/// <summary>
/// The status explained from the weighted vote (<see cref="LabelAggregation.Decide"/>) and its settings.
/// Pure: the same votes, the model's included, and the same settings give the same words.
/// </summary>
public static class VoteStanding
{
    /// <summary>Enough for any sane settings; beyond it the page says no number is known.</summary>
    public const int MaxExtraVotes = 1000;

    /// <summary>
    /// Who counts as experienced: the fewest proven taxa whose weight alone exceeds ThetaConfidence (8 with
    /// the published settings, weight 2.05 &gt; 2), i.e. someone who can settle an undisputed observation alone.
    /// </summary>
    public static int ExperiencedTaxa(AggregationSettings settings)
    {
        for (var n = 1; n <= MaxExtraVotes; n++)
            if (settings.Weight(n) > settings.ThetaConfidence) return n;
        return MaxExtraVotes;
    }

    /// <summary>The standing of one task from its counted votes (users' and the model's) and their outcome (<see cref="LabelAggregation.Decide"/>).</summary>
    public static Standing Explain(ReadOnlySpan<WeightedVote> votes, TaskOutcome outcome, AggregationSettings settings)
    {
        var newcomer = settings.Weight(0);
        var experienced = settings.Weight(ExperiencedTaxa(settings));
        if (outcome.Label < 0)
            return new Standing(StandingKind.NoVotes, -1, -1, MoreNeeded(votes, 0, newcomer, settings), MoreNeeded(votes, 0, experienced, settings));
        var runner = Runner(votes, outcome.Label);
        if (outcome.Valid) return new Standing(StandingKind.Valid, outcome.Label, runner, 0, 0);
        return new Standing(runner < 0 ? StandingKind.NeedsAgreement : StandingKind.Split, outcome.Label, runner,
            MoreNeeded(votes, outcome.Label, newcomer, settings), MoreNeeded(votes, outcome.Label, experienced, settings));
    }

    /// <summary>
    /// The fewest votes of weight <paramref name="weight"/> for <paramref name="label"/> that, added, make it
    /// valid. Checked by deciding again (so ties and strict thresholds are exactly the vote's), with the k
    /// votes as one of weight k * w (Decide sums weights by label), from just under the closed-form bound.
    /// </summary>
    public static int MoreNeeded(ReadOnlySpan<WeightedVote> votes, int label, double weight, AggregationSettings settings)
    {
        if (!(weight > 0)) return -1;
        double total = 0, mine = 0;
        foreach (var v in votes)
        {
            total += v.Weight;
            if (v.Label == label) mine += v.Weight;
        }
        // confidence: mine + k w > ThetaConfidence; accuracy: (mine + k w) / (total + k w) > ThetaAccuracy.
        var bound = Math.Max((settings.ThetaConfidence - mine) / weight, (settings.ThetaAccuracy * total - mine) / (weight * (1 - settings.ThetaAccuracy)));
        var start = (int)Math.Clamp(Math.Floor(bound) - 1, 1, MaxExtraVotes);
        var buffer = new WeightedVote[votes.Length + 1];
        votes.CopyTo(buffer);
        for (var k = start; k <= MaxExtraVotes; k++)
        {
            buffer[votes.Length] = new WeightedVote(label, k * weight);
            var outcome = LabelAggregation.Decide(buffer, settings);
            if (outcome.Valid && outcome.Label == label) return k;
        }
        return -1;
    }

    /// <summary>The heaviest label other than <paramref name="leading"/> (ties to the lower label), -1 when every vote names it.</summary>
    private static int Runner(ReadOnlySpan<WeightedVote> votes, int leading)
    {
        var sums = new Dictionary<int, double>();
        foreach (var v in votes)
            if (v.Label != leading) sums[v.Label] = sums.GetValueOrDefault(v.Label) + v.Weight;
        var best = -1;
        var bestSum = 0.0;
        foreach (var (label, sum) in sums.OrderBy(x => x.Key))
            if (best < 0 || sum > bestSum + 1e-9) (best, bestSum) = (label, sum);
        return best;
    }
}
