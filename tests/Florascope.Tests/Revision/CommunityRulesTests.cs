using Florascope.Data.Observations;
using Florascope.Data.Revision;
using Florascope.Revision;
using Florascope.Taxonomy;
using Florascope.Tests.Web;

namespace Florascope.Tests.Revision;

/// <summary>The rules CommunityRevision holds once: the status (disputed or not), the game's score, the vote explanation.</summary>
public sealed class CommunityRulesTests
{
    private static Checklist Checklist => SharedServerFixture.Checklist.Value;
    private static readonly AggregationSettings Settings = AggregationSettings.Default;

    [Theory]
    [InlineData(new int[0], -1, ObservationStatus.NeedsVotes)]
    [InlineData(new[] { 3 }, -1, ObservationStatus.NeedsVotes)]
    [InlineData(new[] { 3, 3, 3 }, -1, ObservationStatus.NeedsVotes)]
    [InlineData(new[] { 3, 3 }, 3, ObservationStatus.NeedsVotes)]
    [InlineData(new int[0], 5, ObservationStatus.NeedsVotes)]
    [InlineData(new[] { 3, 4 }, -1, ObservationStatus.Disputed)]
    [InlineData(new[] { 3, 3, 4 }, 3, ObservationStatus.Disputed)]
    [InlineData(new[] { 3 }, 4, ObservationStatus.Disputed)]
    public void AnInvalidObservationIsDisputedWhenItsCountedVotesNameSeveralTaxa(int[] voted, int model, string expected)
    {
        Assert.Equal(expected, CommunityRevision.StatusOf(valid: false, voted, model));
        Assert.Equal(ObservationStatus.Valid, CommunityRevision.StatusOf(valid: true, voted, model));
    }

    [Theory]
    [InlineData(true, false, true, true)]
    [InlineData(false, false, true, false)]
    [InlineData(true, true, true, false)]
    [InlineData(true, false, false, false)]
    public void AnIdentificationScoresWhenItNamesTheValidTaxonOfSomeoneElsesObservation(bool valid, bool own, bool agrees, bool counts) =>
        Assert.Equal(counts, CommunityRevision.CountsForScore(valid, own, agrees));

    [Fact]
    public void DecideUsesTheStatusRule()
    {
        // Two users disagree, no model vote: disputed; the same users agreeing: needs votes (one beginner's vote is not enough).
        var disagree = CommunityRevision.Decide([(1, "a", "Taraxacum officinale", 0), (2, "b", "Ranunculus acris", 0)], null, null, Checklist, Settings);
        Assert.Equal((false, ObservationStatus.Disputed), (disagree.IsValid, disagree.Status));
        var alone = CommunityRevision.Decide([(1, "a", "Taraxacum officinale", 0)], null, null, Checklist, Settings);
        Assert.Equal((false, ObservationStatus.NeedsVotes), (alone.IsValid, alone.Status));
        // The model votes only above its minimum score; when it does and disagrees, the observation is disputed.
        var modelDisagrees = CommunityRevision.Decide([(1, "a", "Taraxacum officinale", 0)], "Ranunculus acris", 0.9, Checklist, Settings);
        Assert.Equal(ObservationStatus.Disputed, modelDisagrees.Status);
        var modelUnsure = CommunityRevision.Decide([(1, "a", "Taraxacum officinale", 0)], "Ranunculus acris", 0.5, Checklist, Settings);
        Assert.Equal(ObservationStatus.NeedsVotes, modelUnsure.Status);
    }

    [Theory]
    [InlineData(0.69999999, true)] // 0.7f once narrowed, as the batch reads it: it used to vote in the batch only
    [InlineData(0.7, true)]
    [InlineData(0.6999, false)]
    public void TheModelVotesOnTheSameScoresAsInTheBatch(double score, bool votes)
    {
        var revised = CommunityRevision.Decide([(1, "a", "Taraxacum officinale", 0)], "Ranunculus acris", score, Checklist, Settings);
        Assert.Equal(votes, revised.Votes.Any(v => v.Voter == CommunityRevision.ModelVoter));
        Assert.Equal(votes, LabelAggregation.AiVotes(0, (float)score, Settings));
        Assert.Equal(votes ? ObservationStatus.Disputed : ObservationStatus.NeedsVotes, revised.Status);
    }

    [Fact]
    public void TheExplanationCountsCurrentNamedVotesOfKnownVotersOldestFirst()
    {
        var t0 = new DateTime(2026, 4, 2, 8, 0, 0, DateTimeKind.Utc);
        var observation = new Observation { Id = 7, ModelTaxonName = "Ranunculus acris", ModelScore = 0.95 };
        Data.Observations.Identification Vote(int id, int user, string? taxon, int minutes, bool current = true) =>
            new() { Id = id, ObservationId = 7, UserId = user, TaxonName = taxon, CreatedUtc = t0.AddMinutes(minutes), IsCurrent = current };
        var identifications = new[]
        {
            Vote(1, 1, "Ranunculus acris", 10),
            Vote(2, 2, "Taraxacum officinale", 5),
            Vote(3, 2, "Ranunculus acris", 1, current: false), // history
            Vote(4, 3, null, 2), // "I don't know"
            Vote(5, 9, "Taraxacum officinale", 3), // a voter who no longer exists
        };
        var voters = new Dictionary<int, Voter>
        {
            [1] = new("Alice", "alice", 4),
            [2] = new("", "bob", 0),
            [3] = new("Carol", "carol", 0),
        };

        var why = CommunityRevision.Explain(observation, identifications, voters, Checklist, Settings);

        Assert.Equal([("@bob", "Taraxacum officinale", 0), ("Alice (@alice)", "Ranunculus acris", 4), (CommunityRevision.ModelVoter, "Ranunculus acris", 0)],
            why.Votes.Select(v => (v.Voter, v.Value, v.Expertise)));
        Assert.Equal([2, 1, (int?)null], why.Votes.Select(v => v.UserId));
        Assert.Equal(Settings.Weight(4), why.Votes[1].Weight);
        Assert.Equal(Settings.AiWeight, why.Votes[2].Weight);
        Assert.Equal(why.TaxonName == "Ranunculus acris", why.Votes[1].Agrees);
        var same = CommunityRevision.Decide([(2, "bob", "Taraxacum officinale", 0), (1, "Alice", "Ranunculus acris", 4)], "Ranunculus acris", 0.95, Checklist, Settings);
        Assert.Equal((same.TaxonName, same.Confidence, same.Accuracy, same.Status), (why.TaxonName, why.Confidence, why.Accuracy, why.Status));
    }
}
