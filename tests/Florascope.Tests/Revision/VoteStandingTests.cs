using Florascope.Data.Revision;
using Florascope.Revision;
using Florascope.Tests.Web;

namespace Florascope.Tests.Revision;

/// <summary>
/// The status in plain words (VoteStanding), on cases worked by hand with the published settings:
/// theta_confidence = 2, theta_accuracy = 0.7, a newcomer weighs gamma = ln 2.1 = 0.741937, an
/// experienced identifier n = 8 taxa, w(8) = 2.054648, the model 1.7.
/// </summary>
public sealed class VoteStandingTests
{
    private static readonly AggregationSettings S = AggregationSettings.Default;
    private static readonly double Newcomer = Math.Log(2.1);
    private const double W8 = 2.0546479029651694;
    private const double Model = 1.7;

    private static Standing Explain(params WeightedVote[] votes) => VoteStanding.Explain(votes, LabelAggregation.Decide(votes, S), S);

    [Fact]
    public void ExperiencedMeansTheFewestTaxaWhoseWeightAloneExceedsTheConfidenceThreshold()
    {
        // w(7) = 2.645751 - 1.475773 + 0.741937 = 1.911915 <= 2; w(8) = 2.054648 > 2.
        Assert.Equal(8, VoteStanding.ExperiencedTaxa(S));
        Assert.Equal(2, VoteStanding.ExperiencedTaxa(S with { ThetaConfidence = 1 }));   // w(2) = 1.007453 > 1
    }

    [Fact]
    public void NobodyNamedItYet()
    {
        // Newcomers: 2 x 0.742 = 1.48 <= 2, 3 x 0.742 = 2.23 > 2 (accuracy 1); one experienced vote: 2.05 > 2.
        Assert.Equal(new Standing(StandingKind.NoVotes, -1, -1, 3, 1), Explain());
    }

    [Fact]
    public void OneNameNeedsAgreeingVotes()
    {
        // 0.742 for label 5: 0.742 + 0.742 = 1.48 <= 2, + 2 x 0.742 = 2.23 > 2; experienced: 0.742 + 2.05 = 2.80 > 2.
        Assert.Equal(new Standing(StandingKind.NeedsAgreement, 5, -1, 2, 1), Explain(new WeightedVote(5, Newcomer)));
    }

    [Fact]
    public void TheSureModelAloneNeedsOneAgreeingPerson()
    {
        // 1.7 + 0.742 = 2.44 > 2, accuracy 1.
        Assert.Equal(new Standing(StandingKind.NeedsAgreement, 2, -1, 1, 1), Explain(new WeightedVote(2, Model)));
    }

    [Fact]
    public void TwoNewcomersDisagreeingAreSplitAndTheTieGoesToTheLowerLabel()
    {
        // 3: 0.742, 4: 0.742. Two more for 3: 2.23 > 2 and 2.23 / 2.97 = 0.75 > 0.7 (one more: 1.48 <= 2).
        // One experienced: 2.80 > 2 and 2.80 / 3.54 = 0.79 > 0.7.
        Assert.Equal(new Standing(StandingKind.Split, 3, 4, 2, 1), Explain(new WeightedVote(4, Newcomer), new WeightedVote(3, Newcomer)));
    }

    [Fact]
    public void AnExpertAgainstTheModelNeedsAccuracyNotConfidence()
    {
        // 7: 2.05 (confidence 2.05 > 2 already), 9: the model 1.7, accuracy 2.05 / 3.75 = 0.55.
        // Newcomers: (2.05 + 0.742 k) / (3.75 + 0.742 k) > 0.7 needs k > 2.58: 3 (4.28 / 5.98 = 0.716; 2: 3.54 / 5.24 = 0.676).
        // Experienced: (2.05 + 2.05) / (3.75 + 2.05) = 0.707 > 0.7: 1.
        Assert.Equal(new Standing(StandingKind.Split, 7, 9, 3, 1), Explain(new WeightedVote(7, W8), new WeightedVote(9, Model)));
    }

    [Fact]
    public void AValidVoteNeedsNothingMoreAndNamesTheMinority()
    {
        // 1: 0.742 + 2.05 = 2.80 > 2, accuracy 2.80 / 3.54 = 0.79 > 0.7 (the revision page's example).
        Assert.Equal(new Standing(StandingKind.Valid, 1, 2, 0, 0),
            Explain(new WeightedVote(1, Newcomer), new WeightedVote(2, Newcomer), new WeightedVote(1, W8)));
        Assert.Equal(new Standing(StandingKind.Valid, 1, -1, 0, 0), Explain(new WeightedVote(1, W8)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    public void TheNumberNeededIsExactlyWhatTheVoteAsksOnePersonAtATime(int others)
    {
        // k separate votes for label 0 make it valid, k - 1 do not: the same rule, not a formula beside it.
        var votes = Enumerable.Range(0, others).Select(i => new WeightedVote(1 + i % 2, i % 3 == 0 ? W8 : Newcomer)).Prepend(new WeightedVote(0, Newcomer)).ToArray();
        foreach (var weight in new[] { Newcomer, W8 })
        {
            var k = VoteStanding.MoreNeeded(votes, 0, weight, S);
            Assert.True(k >= 1);
            var with = votes.Concat(Enumerable.Repeat(new WeightedVote(0, weight), k)).ToArray();
            var fewer = votes.Concat(Enumerable.Repeat(new WeightedVote(0, weight), k - 1)).ToArray();
            Assert.True(LabelAggregation.Decide(with, S) is { Valid: true, Label: 0 });
            Assert.False(LabelAggregation.Decide(fewer, S) is { Valid: true, Label: 0 });
        }
    }

    [Fact]
    public void AVoteOfNoWeightCanSettleNothing() => Assert.Equal(-1, VoteStanding.MoreNeeded([new WeightedVote(0, 1)], 0, 0, S));

    [Fact]
    public void OnAnObservationTheWordsAgreeWithTheStatusAndNameTheTaxa()
    {
        var checklist = SharedServerFixture.Checklist.Value;
        // Two newcomers disagree, the unsure model (0.5 < 0.7) does not vote: disputed, in words split.
        var split = CommunityRevision.Decide([(1, "a", "Taraxacum officinale", 0), (2, "b", "Ranunculus acris", 0)], "Ranunculus acris", 0.5, checklist, S);
        Assert.Equal(ObservationStatus.Disputed, split.Status);
        Assert.Equal("split", split.Standing.Kind);
        Assert.Equal(split.TaxonName, split.Standing.Taxon);
        Assert.Equal(new[] { "Taraxacum officinale", "Ranunculus acris" }.Order(), new[] { split.Standing.Taxon!, split.Standing.Other! }.Order());
        Assert.Equal((2, 1, 8), (split.Standing.MoreVotes, split.Standing.MoreExperiencedVotes, split.Standing.ExperiencedTaxa));
        // The sure model (0.9) agreeing with one newcomer: 1.7 + 0.74 = 2.44 > 2, valid.
        var valid = CommunityRevision.Decide([(1, "a", "Taraxacum officinale", 0)], "Taraxacum officinale", 0.9, checklist, S);
        Assert.Equal((ObservationStatus.Valid, "valid", "Taraxacum officinale", 0), (valid.Status, valid.Standing.Kind, valid.Standing.Taxon, valid.Standing.MoreVotes));
        // Nothing counted: needs votes, in words nobody named it yet.
        var none = CommunityRevision.Decide([], null, null, checklist, S);
        Assert.Equal((ObservationStatus.NeedsVotes, "no-votes", (string?)null, 3), (none.Status, none.Standing.Kind, none.Standing.Taxon, none.Standing.MoreVotes));
    }
}
