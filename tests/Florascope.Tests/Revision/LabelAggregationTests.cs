using Florascope.Revision;

namespace Florascope.Tests.Revision;

/// <summary>
/// Pl@ntNet's weighted vote (shared/docs/label-aggregation.md) on cases small enough to work by hand.
/// gamma = ln 2.1 = 0.741937; w(n) = sqrt(n) - n^0.2 + gamma; w(8) = 2.828427 - 1.515717 + 0.741937 = 2.054648.
/// </summary>
public sealed class LabelAggregationTests
{
    private const double Tol = 1e-6;
    private static readonly AggregationSettings S = AggregationSettings.Default;
    private static readonly double Gamma = Math.Log(2.1);   // 0.741937
    private const double W8 = 2.0546479029651694;             // w(8)

    // ---- the weight function ----

    [Fact]
    public void NewcomerWeighsGamma()
    {
        // n = 0: gamma = ln 2.1 = 0.741937
        Assert.Equal(0.741937, S.Weight(0), Tol);
        Assert.Equal(Gamma, S.Weight(0));
        // A negative count cannot happen, but weighs like a newcomer rather than NaN.
        Assert.Equal(Gamma, S.Weight(-3));
    }

    [Fact]
    public void OneTaxonWeighsLikeANewcomer()
    {
        // n = 1: 1^0.5 - 1^0.2 + gamma = 1 - 1 + gamma
        Assert.Equal(Gamma, S.Weight(1));
    }

    [Theory]
    // n = 2: 1.414214 - 1.148698 + 0.741937 = 1.007453
    [InlineData(2, 1.007453)]
    // n = 4: 2 - 1.319508 + 0.741937 = 1.422429
    [InlineData(4, 1.422429)]
    // n = 7: 2.645751 - 1.475773 + 0.741937 = 1.911915
    [InlineData(7, 1.911915)]
    // n = 8: 2.828427 - 1.515717 + 0.741937 = 2.054648
    [InlineData(8, 2.054648)]
    // n = 100: 10 - 2.511886 + 0.741937 = 8.230051
    [InlineData(100, 8.230051)]
    public void WeightFollowsThePublishedFormula(int n, double expected)
    {
        Assert.Equal(expected, S.Weight(n), Tol);
        Assert.Equal(Math.Sqrt(n) - Math.Pow(n, 0.2) + Gamma, S.Weight(n), 1e-12);
    }

    [Fact]
    public void EightTaxaIsTheFirstCountThatCanValidateAlone()
    {
        // w(7) = 1.911915 <= 2 < w(8) = 2.054648 = theta_conf
        Assert.True(S.Weight(7) < S.ThetaConfidence);
        Assert.True(S.Weight(8) > S.ThetaConfidence);
        Assert.Equal(8, Enumerable.Range(0, 100).First(n => S.Weight(n) > S.ThetaConfidence));
    }

    [Fact]
    public void WeightNeverDecreasesWithExpertise()
    {
        // d/dn = 0.5 n^-0.5 - 0.2 n^-0.8 > 0 as soon as n^0.3 > 0.4, i.e. for every n >= 1.
        for (var n = 1; n < 5000; n++)
            Assert.True(S.Weight(n + 1) > S.Weight(n), $"w({n + 1}) <= w({n})");
    }

    // ---- Decide: one task ----

    [Fact]
    public void WeightedMajorityFollowsTheHeavierSideNotTheCount()
    {
        // Two newcomers say 1 (2 x 0.741937 = 1.483875), an expert with n = 8 says 0 (2.054648).
        // label 0; conf 2.054648; acc 2.054648 / 3.538523 = 0.580651 -> not valid (acc <= 0.7).
        var o = LabelAggregation.Decide([new(1, Gamma), new(1, Gamma), new(0, W8)], S);
        Assert.Equal(0, o.Label);
        Assert.Equal(2.054648, o.Confidence, Tol);
        Assert.Equal(0.580651, o.Accuracy, Tol);
        Assert.False(o.Valid);
    }

    [Fact]
    public void ThreeAgreeingNewcomersValidateTwoDoNot()
    {
        // 3 x 0.741937 = 2.225812 > 2, acc 1 -> valid.
        var three = LabelAggregation.Decide([new(4, Gamma), new(4, Gamma), new(4, Gamma)], S);
        Assert.Equal(4, three.Label);
        Assert.Equal(2.225812, three.Confidence, Tol);
        Assert.Equal(1.0, three.Accuracy, Tol);
        Assert.True(three.Valid);
        // 2 x 0.741937 = 1.483875 <= 2 -> not valid although unanimous.
        var two = LabelAggregation.Decide([new(4, Gamma), new(4, Gamma)], S);
        Assert.Equal(4, two.Label);
        Assert.Equal(1.483875, two.Confidence, Tol);
        Assert.Equal(1.0, two.Accuracy, Tol);
        Assert.False(two.Valid);
        // 3 newcomers against 1: conf 2.225812, acc 3/4 = 0.75 -> valid; 3 against 2: acc 0.6 -> not.
        Assert.True(LabelAggregation.Decide([new(4, Gamma), new(4, Gamma), new(4, Gamma), new(1, Gamma)], S).Valid);
        var split = LabelAggregation.Decide([new(4, Gamma), new(1, Gamma), new(4, Gamma), new(1, Gamma), new(4, Gamma)], S);
        Assert.Equal(4, split.Label);
        Assert.Equal(0.6, split.Accuracy, Tol);
        Assert.False(split.Valid);
    }

    [Fact]
    public void AccuracyOfExactlyThetaIsNotValid()
    {
        // acc = 7 / (7 + 3) = 0.7, not > 0.7 (strict, as published), although conf 7 > 2.
        var edge = LabelAggregation.Decide([new(0, 7), new(1, 3)], S);
        Assert.Equal(0, edge.Label);
        Assert.Equal(0.7, edge.Accuracy);
        Assert.Equal(7.0, edge.Confidence);
        Assert.False(edge.Valid);
        // acc = 7.5 / 10 = 0.75 -> valid.
        Assert.True(LabelAggregation.Decide([new(0, 7.5), new(1, 2.5)], S).Valid);
    }

    [Fact]
    public void ConfidenceOfExactlyThetaIsNotValid()
    {
        // conf = 2, acc = 1: not > 2.
        Assert.False(LabelAggregation.Decide([new(3, 2.0)], S).Valid);
        Assert.False(LabelAggregation.Decide([new(3, 1.0), new(3, 1.0)], S).Valid);
        // Just above -> valid.
        Assert.True(LabelAggregation.Decide([new(3, 2.000001)], S).Valid);
        // One expert with n = 8 validates alone: conf 2.054648, acc 1.
        Assert.True(LabelAggregation.Decide([new(3, W8)], S).Valid);
        // n = 7 does not: conf 1.911915.
        Assert.False(LabelAggregation.Decide([new(3, S.Weight(7))], S).Valid);
    }

    [Fact]
    public void TiesGoToTheLowestLabelWhateverTheOrder()
    {
        // 1.0 each: tie -> label 0 whichever vote comes first; conf 1, acc 0.5.
        var a = LabelAggregation.Decide([new(1, 1.0), new(0, 1.0)], S);
        var b = LabelAggregation.Decide([new(0, 1.0), new(1, 1.0)], S);
        Assert.Equal(new TaskOutcome(0, 1.0, 0.5, false), a);
        Assert.Equal(a, b);
        // A three-way tie between 5, 2 and 7 (1.4 each, one label made of two votes): 2 in every order.
        WeightedVote[] votes = [new(5, 1.4), new(2, 0.7), new(7, 1.4), new(2, 0.7)];
        foreach (var order in Permutations(votes))
            Assert.Equal(2, LabelAggregation.Decide(order, S).Label);
    }

    [Fact]
    public void SumsThatDifferOnlyByRoundingAreATie()
    {
        // 0.1 + 0.2 = 0.30000000000000004 > 0.3 in doubles; within 1e-9 this is a tie -> label 0.
        Assert.Equal(0, LabelAggregation.Decide([new(1, 0.1), new(1, 0.2), new(0, 0.3)], S).Label);
        Assert.Equal(0, LabelAggregation.Decide([new(0, 0.3), new(1, 0.2), new(1, 0.1)], S).Label);
        // A real difference (1e-6) is not a tie.
        Assert.Equal(1, LabelAggregation.Decide([new(1, 0.300001), new(0, 0.3)], S).Label);
    }

    [Fact]
    public void OrderOfVotesDoesNotMatter()
    {
        // label 3: 0.741937 + 1.007453 = 1.749390; label 1: 2.054648; label 0: 0.741937; total 4.545975
        // -> label 1, conf 2.054648, acc 0.451970.
        WeightedVote[] votes = [new(3, Gamma), new(1, W8), new(3, S.Weight(2)), new(0, Gamma)];
        var expected = LabelAggregation.Decide(votes, S);
        Assert.Equal(1, expected.Label);
        Assert.Equal(2.054648, expected.Confidence, Tol);
        Assert.Equal(0.451970, expected.Accuracy, Tol);
        foreach (var order in Permutations(votes))
        {
            var o = LabelAggregation.Decide(order, S);
            Assert.Equal(expected.Label, o.Label);
            Assert.Equal(expected.Confidence, o.Confidence, 1e-12);
            Assert.Equal(expected.Accuracy, o.Accuracy, 1e-12);
            Assert.Equal(expected.Valid, o.Valid);
        }
    }

    [Fact]
    public void NoVotesMeansNoLabel()
    {
        var o = LabelAggregation.Decide([], S);
        Assert.Equal(TaskOutcome.None, o);
        Assert.Equal(-1, o.Label);
        Assert.Equal(0.0, o.Confidence);
        Assert.Equal(0.0, o.Accuracy);
        Assert.False(o.Valid);
    }

    // ---- expertise n_j ----

    [Theory]
    [InlineData(0, 5, 0)]   // 0 + 0.5 = 0.5 -> 0 (half to even)
    [InlineData(0, 15, 2)]  // 0 + 1.5 = 1.5 -> 2
    [InlineData(2, 5, 2)]   // 2 + 0.5 = 2.5 -> 2
    [InlineData(1, 5, 2)]   // 1 + 0.5 = 1.5 -> 2
    [InlineData(0, 25, 2)]  // 2.5 -> 2
    [InlineData(0, 35, 4)]  // 3.5 -> 4
    [InlineData(0, 4, 0)]   // 0.4 -> 0
    [InlineData(0, 6, 1)]   // 0.6 -> 1
    [InlineData(8, 1, 8)]   // 8.1 -> 8
    [InlineData(3, 0, 3)]
    [InlineData(0, 0, 0)]
    public void ExpertiseRoundsHalfToEven(int authored, int voted, int expected) =>
        Assert.Equal(expected, LabelAggregation.ExpertiseFromCounts(authored, voted));

    [Fact]
    public void VotesOnTaxaAlreadyAuthoredAreNotCountedTwice()
    {
        // Authored a valid observation of taxon 3 and voted its label: n_author = {3} = 1.
        // On other users' observations, voted the current label with taxa 3, 10, 11, 12, 13:
        // 3 is already counted, so n_vote = {10, 11, 12, 13} = 4 and n = round(1 + 0.4) = 1
        // (counting 3 twice would give n_vote = 5 and round(1 + 0.5) = 2).
        List<(int, int, bool, bool)> votes =
        [
            (3, 3, true, true),
            (3, 3, false, false), (3, 3, true, false),
            (10, 10, false, false), (11, 11, true, false), (12, 12, false, false), (13, 13, false, false),
        ];
        Assert.Equal(1, LabelAggregation.Expertise(votes));
    }

    [Fact]
    public void VotedTaxaAreDistinctAndCountOnValidOrInvalidObservations()
    {
        // Ten votes for taxon 4 on others' observations: n_vote = {4} = 1 -> round(0.1) = 0.
        Assert.Equal(0, LabelAggregation.Expertise([.. Enumerable.Range(0, 10).Select(_ => (4, 4, true, false))]));
        // Ten taxa voted on others' observations, none of them valid: n_vote = 10 -> 1.
        Assert.Equal(1, LabelAggregation.Expertise([.. Enumerable.Range(0, 10).Select(k => (k, k, false, false))]));
        // Fifteen taxa: 1.5 -> 2.
        Assert.Equal(2, LabelAggregation.Expertise([.. Enumerable.Range(0, 15).Select(k => (k, k, k % 2 == 0, false))]));
        // Ten taxa authored on valid observations: n_author = 10.
        Assert.Equal(10, LabelAggregation.Expertise([.. Enumerable.Range(0, 10).Select(k => (k, k, true, true))]));
        // Ten valid observations of the same taxon: n_author = 1.
        Assert.Equal(1, LabelAggregation.Expertise([.. Enumerable.Range(0, 10).Select(_ => (4, 4, true, true))]));
    }

    [Fact]
    public void OnlyVotesForTheCurrentLabelCount()
    {
        // Ten taxa voted on others' observations, each against the current label: nothing.
        Assert.Equal(0, LabelAggregation.Expertise([.. Enumerable.Range(0, 10).Select(k => (k, k + 1, true, false))]));
        // Authored a valid observation but their own vote is not its label: nothing.
        Assert.Equal(0, LabelAggregation.Expertise([(5, 6, true, true)]));
        // Authored an observation whose label they voted, but it is not valid: not n_author, and as
        // their own observation not n_vote either.
        Assert.Equal(0, LabelAggregation.Expertise([(2, 2, false, true)]));
        // ... though the same taxon voted on someone else's observation is a further voted taxon:
        // authored valid {0..7} = 8; voted {2} on another observation is not new, {20} is -> 8 + 0.1 -> 8.
        List<(int, int, bool, bool)> votes = [.. Enumerable.Range(0, 8).Select(k => (k, k, true, true))];
        votes.Add((20, 20, false, false));
        Assert.Equal(8, LabelAggregation.Expertise(votes));
    }

    // ---- the model as a voter ----

    [Theory]
    [InlineData(0, 0.7, true)]       // at the threshold: votes (>=)
    [InlineData(0, 0.6999, false)]
    [InlineData(0, 1.0, true)]
    [InlineData(3, 0.0, false)]
    [InlineData(-1, 0.99, false)]    // no label
    public void ModelVotesOnlyWhenConfident(int label, double score, bool votes) =>
        Assert.Equal(votes, LabelAggregation.AiVotes(label, score, S));

    [Fact]
    public void StoredFloatScoreAtTheThresholdVotes()
    {
        // Scores are stored as float; 0.7f widened is 0.699999988 < 0.7, but it stands for 0.7.
        Assert.True(LabelAggregation.AiVotes(0, 0.7f, S));
        Assert.False(LabelAggregation.AiVotes(0, 0.6999f, S));
        Assert.False(LabelAggregation.AiVotes(0, BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(0.7f) - 1), S));
    }

    [Fact]
    public void ModelWithWeightZeroNeverVotes() =>
        Assert.False(LabelAggregation.AiVotes(0, 1.0, S with { AiWeight = 0 }));

    [Fact]
    public void ModelAndOneNewcomerValidate()
    {
        // 1.7 + 0.741937 = 2.441937 > 2, acc 1 -> valid.
        var agree = LabelAggregation.Decide([new(2, S.AiWeight), new(2, Gamma)], S);
        Assert.Equal(2, agree.Label);
        Assert.Equal(2.441937, agree.Confidence, Tol);
        Assert.True(agree.Valid);
        // The model alone: conf 1.7 <= 2.
        Assert.False(LabelAggregation.Decide([new(2, S.AiWeight)], S).Valid);
        // The model against one newcomer: label 2 (1.7 > 0.741937), acc 1.7 / 2.441937 = 0.696169 -> not valid.
        var against = LabelAggregation.Decide([new(1, Gamma), new(2, S.AiWeight)], S);
        Assert.Equal(2, against.Label);
        Assert.Equal(0.696169, against.Accuracy, Tol);
        Assert.False(against.Valid);
    }

    [Fact]
    public void RunCountsTheModelOnlyWhereItIsConfident()
    {
        // One newcomer per task (workers 0..4), no authors; all weights stay gamma.
        var b = new CrowdVotesBuilder(5);
        b.AddVote(0, 0, 2); b.SetAi(0, 2, 0.9f);   // 1.7 + 0.741937 = 2.441937, acc 1 -> valid
        b.AddVote(1, 1, 2);                        // 0.741937 -> not valid
        b.AddVote(2, 2, 1); b.SetAi(2, 3, 0.9f);   // the model wins: label 3, conf 1.7, acc 0.696169 -> not valid
        b.AddVote(3, 3, 4); b.SetAi(3, 4, 0.69f);  // score < 0.7: the model is not counted -> 0.741937
        b.AddVote(4, 4, 5); b.SetAi(4, 6, 0.5f);   // the model (label 6) is not counted -> label 5, acc 1
        var r = LabelAggregation.Run(b.Build(), S);

        Assert.Equal([2, 2, 3, 4, 5], r.Label);
        Assert.Equal([true, false, false, false, false], r.Valid);
        Assert.Equal(2.441937, r.Confidence[0], Tol);
        Assert.Equal(1.7, r.Confidence[2], Tol);
        Assert.Equal(0.696169, r.Accuracy[2], Tol);
        Assert.Equal(Gamma, r.Confidence[3], Tol);
        Assert.Equal(1.0, r.Accuracy[4], Tol);
        // The model is no worker: it gives nobody expertise; each newcomer voted one taxon -> round(0.1) = 0.
        Assert.Equal(5, r.WorkerN.Length);
        Assert.All(r.WorkerN, n => Assert.Equal(0, n));
        Assert.True(r.Converged);
        Assert.Equal(1, r.Rounds);
    }

    [Fact]
    public void ModelScoreOfExactlyTheThresholdCounts()
    {
        // Scores are stored as float: 0.7f is 0.699999988 as a double. The rule is score >= 0.7, so a
        // score written 0.7 must count: 1.7 + 0.741937 = 2.441937 -> valid.
        var b = new CrowdVotesBuilder(1);
        b.AddVote(0, 0, 2);
        b.SetAi(0, 2, 0.7f);
        var r = LabelAggregation.Run(b.Build(), S);
        Assert.Equal(2.441937, r.Confidence[0], Tol);
        Assert.True(r.Valid[0]);
    }

    // ---- the full iteration ----

    /// <summary>
    /// Workers: E = 0 (the expert), H1 = 1, H2 = 2 (helpers), N1 = 3, N2 = 4 (newcomers).
    /// Tasks 0..7: authored by E; E, H1 and H2 all vote taxon t.
    /// Task 8: authored by N1; E votes 8, N1 and N2 vote 9.
    /// </summary>
    private static CrowdVotes ExpertCrowd(bool reverse = false)
    {
        var votes = new List<(int Task, int Worker, int Label)>();
        for (var t = 0; t < 8; t++)
            foreach (var w in new[] { 0, 1, 2 }) votes.Add((t, w, t));
        votes.Add((8, 0, 8));
        votes.Add((8, 3, 9));
        votes.Add((8, 4, 9));
        if (reverse) votes.Reverse();
        var b = new CrowdVotesBuilder(9);
        foreach (var (t, w, l) in votes) b.AddVote(t, w, l);
        for (var t = 0; t < 8; t++) b.SetAuthor(t, 0);
        b.SetAuthor(8, 3);
        return b.Build();
    }

    [Fact]
    public void ExpertOverturnsTwoNewcomersOnceTheirWeightRises()
    {
        // Round 0 (all 0.741937):
        //   tasks 0..7: 3 x 0.741937 = 2.225812, acc 1 -> valid.
        //   task 8: 9 has 1.483875, 8 has 0.741937 -> label 9, conf 1.483875, acc 2/3, not valid.
        // Expertise from round 0:
        //   E: authored valid {0..7} = 8; voted 8 on task 8 whose label is 9 -> n_vote 0; n = 8, w = 2.054648.
        //   H1, H2: voted the label of 8 taxa on E's observations -> round(0.8) = 1, w = gamma.
        //   N1: authored task 8, not valid -> 0 (its own observation is no n_vote). N2: voted 9 = label -> round(0.1) = 0.
        //   change = 8 + 1 + 1 = 10.
        // Round 1:
        //   tasks 0..7: 2.054648 + 2 x 0.741937 = 3.538523, acc 1, valid.
        //   task 8: 8 has 2.054648 > 9 has 1.483875 -> label 8, conf 2.054648, acc 0.580651, not valid.
        // Round 2: E now also voted the label of task 8 (taxon 8, not authored) -> n = round(8 + 0.1) = 8;
        //   nobody else changes -> change 0: converged after 2 rounds.
        var crowd = ExpertCrowd();
        Assert.Equal(9, LabelAggregation.MajorityVote(crowd)[8]);   // plain majority keeps the newcomers' 9

        var r = LabelAggregation.Run(crowd, S);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8], r.Label);
        for (var t = 0; t < 8; t++)
        {
            Assert.Equal(3.538523, r.Confidence[t], Tol);
            Assert.Equal(1.0, r.Accuracy[t], Tol);
            Assert.True(r.Valid[t]);
        }
        Assert.Equal(2.054648, r.Confidence[8], Tol);
        Assert.Equal(0.580651, r.Accuracy[8], Tol);
        Assert.False(r.Valid[8]);

        Assert.Equal([8, 1, 1, 0, 0], r.WorkerN);
        Assert.Equal(2.054648, r.WorkerWeight[0], Tol);
        Assert.Equal(Gamma, r.WorkerWeight[1], Tol);
        Assert.Equal(Gamma, r.WorkerWeight[3], Tol);
        Assert.True(r.Converged);
        Assert.Equal(2, r.Rounds);
    }

    [Fact]
    public void TheOrderVotesArriveInDoesNotChangeTheRun()
    {
        var a = LabelAggregation.Run(ExpertCrowd(), S);
        var b = LabelAggregation.Run(ExpertCrowd(reverse: true), S);
        Assert.Equal(a.Label, b.Label);
        Assert.Equal(a.Valid, b.Valid);
        Assert.Equal(a.WorkerN, b.WorkerN);
        Assert.Equal(a.Rounds, b.Rounds);
        for (var t = 0; t < a.Label.Length; t++) Assert.Equal(a.Confidence[t], b.Confidence[t], 1e-12);
    }

    [Fact]
    public void NewLabelsFeedBackIntoExpertise()
    {
        // Workers: E = 0, H1 = 1, H2 = 2, H3 = 3, N1 = 4, N2 = 5.
        // Tasks 0..7 authored by E; E, H1, H2 vote t; H3 also votes t on tasks 0..4 (valid: 4 x gamma, acc 1).
        // Task 8 (author unknown): E and H3 vote 9, N1 and N2 vote 8.
        var b = new CrowdVotesBuilder(9);
        for (var t = 0; t < 8; t++)
        {
            b.SetAuthor(t, 0);
            b.AddVote(t, 0, t); b.AddVote(t, 1, t); b.AddVote(t, 2, t);
            if (t < 5) b.AddVote(t, 3, t);
        }
        b.AddVote(8, 4, 8); b.AddVote(8, 0, 9); b.AddVote(8, 5, 8); b.AddVote(8, 3, 9);
        var crowd = b.Build();
        Assert.Equal(8, LabelAggregation.MajorityVote(crowd)[8]);   // 2 against 2: tie -> lowest

        // Round 0: task 8 is a tie 1.483875 each -> label 8 (lowest), acc 0.5.
        // Round 1 expertise: E = 8 (w 2.054648); H1 = H2 = round(0.8) = 1; H3 voted the label of 5 taxa
        //   (0..4; not 9 on task 8) -> round(0.5) = 0 (half to even); N1 = N2 = round(0.1) = 0. change 10.
        // Round 1: task 8: 9 has 2.054648 + 0.741937 = 2.796585, 8 has 1.483875 -> label 9,
        //   conf 2.796585, acc 2.796585 / 4.280460 = 0.653337, not valid.
        // Round 2 expertise: H3 now voted the label of 6 taxa -> round(0.6) = 1 (w unchanged: gamma);
        //   E = round(8.1) = 8; N1, N2 voted 8, no longer the label -> 0. change 1.
        // Round 3: change 0 -> converged after 3 rounds.
        var r = LabelAggregation.Run(crowd, S);
        Assert.Equal(9, r.Label[8]);
        Assert.Equal(2.796585, r.Confidence[8], Tol);
        Assert.Equal(0.653337, r.Accuracy[8], Tol);
        Assert.False(r.Valid[8]);
        Assert.Equal([8, 1, 1, 1, 0, 0], r.WorkerN);
        Assert.True(r.Converged);
        Assert.Equal(3, r.Rounds);

        // Stopping after one round: H3 still has n = 0, the labels are those computed with the round-1 weights.
        var one = LabelAggregation.Run(crowd, S with { MaxRounds = 1 });
        Assert.Equal(9, one.Label[8]);
        Assert.Equal([8, 1, 1, 0, 0, 0], one.WorkerN);
        Assert.False(one.Converged);
        Assert.Equal(1, one.Rounds);
    }

    [Fact]
    public void RoundLimitsAndToleranceDecideConvergence()
    {
        var crowd = ExpertCrowd();
        // MaxRounds 1: n changed by 10 in round 1 -> not converged, but the labels use the new weights.
        var capped = LabelAggregation.Run(crowd, S with { MaxRounds = 1 });
        Assert.False(capped.Converged);
        Assert.Equal(1, capped.Rounds);
        Assert.Equal(8, capped.Label[8]);
        // Tolerance 2: mean change 10 / 9 tasks = 1.11 <= 2 -> converged after round 1.
        var loose = LabelAggregation.Run(crowd, S with { Tolerance = 2 });
        Assert.True(loose.Converged);
        Assert.Equal(1, loose.Rounds);
        // Tolerance 1: 1.11 > 1 -> a second round (change 0).
        Assert.Equal(2, LabelAggregation.Run(crowd, S with { Tolerance = 1 }).Rounds);
        // MinRounds 5 (the reference): goes on although nothing changes after round 2.
        var min5 = LabelAggregation.Run(crowd, S with { MinRounds = 5, Tolerance = 1e-5 });
        Assert.True(min5.Converged);
        Assert.Equal(5, min5.Rounds);
        Assert.Equal(LabelAggregation.Run(crowd, S).Label, min5.Label);
    }

    [Fact]
    public void InvalidSettingsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => LabelAggregation.Run(ExpertCrowd(), S with { MaxRounds = 0 }));
        Assert.Throws<ArgumentException>(() => LabelAggregation.Run(ExpertCrowd(), S with { MinRounds = 3, MaxRounds = 2 }));
        Assert.Throws<ArgumentException>(() => LabelAggregation.Run(ExpertCrowd(), S with { Tolerance = -1 }));
        Assert.Throws<ArgumentException>(() => LabelAggregation.Run(ExpertCrowd(), S with { ThetaAccuracy = 1 }));
    }

    [Fact]
    public void TasksWithoutVotesHaveNoLabel()
    {
        var b = new CrowdVotesBuilder(3);
        b.AddVote(1, 0, 4);
        b.SetAuthor(2, 0);   // an author with no vote on their own observation
        var r = LabelAggregation.Run(b.Build(), S);
        Assert.Equal([-1, 4, -1], r.Label);
        Assert.Equal([false, false, false], r.Valid);
        Assert.Equal(0.0, r.Confidence[0]);
        Assert.Equal(0.0, r.Accuracy[2]);
        Assert.Equal([-1, 4, -1], LabelAggregation.MajorityVote(b.Build()));
    }

    [Fact]
    public void EmptyCrowdConvergesAtOnce()
    {
        var r = LabelAggregation.Run(new CrowdVotesBuilder(0).Build(), S);
        Assert.Empty(r.Label);
        Assert.True(r.Converged);
        Assert.Equal(1, r.Rounds);
    }

    // ---- plain majority ----

    [Fact]
    public void MajorityVoteCountsHeadsAndBreaksTiesLow()
    {
        var b = new CrowdVotesBuilder(3);
        // Task 0: 2 x label 5, 1 x label 1 -> 5.
        b.AddVote(0, 0, 5); b.AddVote(0, 1, 1); b.AddVote(0, 2, 5);
        // Task 1: 1 x 6, 1 x 3, 1 x 4 -> tie -> 3.
        b.AddVote(1, 0, 6); b.AddVote(1, 1, 3); b.AddVote(1, 2, 4);
        // Task 2: nothing -> -1.
        Assert.Equal([5, 3, -1], LabelAggregation.MajorityVote(b.Build()));
    }

    [Fact]
    public void MajorityVoteOnALargeTaskGrowsItsBuffer()
    {
        // 100 votes (more than the 64-vote buffer): 51 for 2, 49 for 1.
        var b = new CrowdVotesBuilder(1);
        for (var w = 0; w < 100; w++) b.AddVote(0, w, w < 49 ? 1 : 2);
        Assert.Equal([2], LabelAggregation.MajorityVote(b.Build()));
        // The weighted run agrees: everybody weighs the same. conf 51 x 0.741937 = 37.838805, acc 0.51.
        var r = LabelAggregation.Run(b.Build(), S);
        Assert.Equal(2, r.Label[0]);
        Assert.Equal(0.51, r.Accuracy[0], Tol);
    }

    // ---- the builder ----

    [Fact]
    public void ALaterVoteOfTheSameWorkerReplacesTheEarlierOne()
    {
        var b = new CrowdVotesBuilder(2);
        b.AddVote(0, 7, 1);
        b.AddVote(0, 3, 2);
        b.AddVote(1, 7, 1);   // another task: not a replacement
        b.AddVote(0, 7, 4);   // worker 7 changes their mind on task 0
        var c = b.Build();

        Assert.Equal(3, c.VoteCount);
        Assert.Equal([0, 2, 3], c.TaskStart);
        Assert.Equal([7, 3, 7], c.VoteWorker);
        Assert.Equal([4, 2, 1], c.VoteLabel);
        Assert.Equal(8, c.WorkerCount);
        Assert.Equal(5, c.LabelCount);   // labels 0..4

        // Worker 7's earlier vote (1) no longer counts on task 0: one vote for 4, one for 2 -> tie -> label 2.
        Assert.Equal(2, LabelAggregation.MajorityVote(c)[0]);
    }

    [Fact]
    public void VotesAreGroupedByTaskWhateverTheOrder()
    {
        var b = new CrowdVotesBuilder(3);
        b.AddVote(2, 0, 1);
        b.AddVote(0, 1, 0);
        b.AddVote(2, 1, 1);
        b.AddVote(0, 0, 3);
        b.SetAuthor(1, 5);
        b.SetAi(1, 9, 0.8f);
        var c = b.Build();

        Assert.Equal([0, 2, 2, 4], c.TaskStart);
        Assert.Equal([1, 0, 0, 1], c.VoteWorker);   // arrival order inside a task
        Assert.Equal([0, 3, 1, 1], c.VoteLabel);
        Assert.Equal([-1, 5, -1], c.Author);
        Assert.Equal([-1, 9, -1], c.AiLabel);
        Assert.Equal(0.8f, c.AiScore[1]);
        Assert.Equal(6, c.WorkerCount);   // the author 5 is a worker
        Assert.Equal(10, c.LabelCount);   // the model's label 9 is a label
    }

    [Fact]
    public void BuilderRefusesBadIndices()
    {
        var b = new CrowdVotesBuilder(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AddVote(2, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AddVote(-1, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AddVote(0, -1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AddVote(0, 0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.SetAi(0, -1, 0.9f));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.SetAuthor(5, 0));
        // int.MaxValue would need int.MaxValue + 1 labels: refused rather than overflowing LabelCount.
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AddVote(0, 0, int.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => b.SetAi(0, int.MaxValue, 0.9f));
    }

    [Fact]
    public void ReserveAddsLabelsAndWorkersWithoutVotes()
    {
        var b = new CrowdVotesBuilder(1);
        b.AddVote(0, 0, 0);
        b.Reserve(12, 4);
        var c = b.Build();
        Assert.Equal(12, c.LabelCount);
        Assert.Equal(4, c.WorkerCount);
        var r = LabelAggregation.Run(c, S);
        Assert.Equal(4, r.WorkerN.Length);
        Assert.Equal([0, 0, 0, 0], r.WorkerN);
    }

    private static IEnumerable<WeightedVote[]> Permutations(WeightedVote[] votes)
    {
        if (votes.Length <= 1) { yield return votes; yield break; }
        for (var i = 0; i < votes.Length; i++)
        {
            WeightedVote[] rest = [.. votes.Take(i), .. votes.Skip(i + 1)];
            foreach (var p in Permutations(rest)) yield return [votes[i], .. p];
        }
    }
}
