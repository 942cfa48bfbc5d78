using Florascope.Revision;
using Florascope.Seed;

namespace Florascope.Tests.Revision;

public sealed class SyntheticCrowdTests
{
    /// <summary>1 % of Pl@ntNet-CrowdSWE: 66,996 observations, 8,233 users, 90,051 votes, 11,425 taxa.</summary>
    private static readonly SyntheticCrowdParameters Small = SyntheticCrowdParameters.Default.Scaled(0.01);

    [Fact]
    public void SameSeedSameCrowdOtherSeedOtherCrowd()
    {
        var a = SyntheticCrowd.Generate(Small);
        var b = SyntheticCrowd.Generate(Small);
        var c = SyntheticCrowd.Generate(Small with { Seed = Small.Seed + 1 });
        Assert.Equal(a.Votes.TaskStart, b.Votes.TaskStart);
        Assert.Equal(a.Votes.VoteWorker, b.Votes.VoteWorker);
        Assert.Equal(a.Votes.VoteLabel, b.Votes.VoteLabel);
        Assert.Equal(a.Votes.Author, b.Votes.Author);
        Assert.Equal(a.Votes.AiLabel, b.Votes.AiLabel);
        Assert.Equal(a.Votes.AiScore, b.Votes.AiScore);
        Assert.Equal(a.Truth, b.Truth);
        Assert.Equal(a.Skill, b.Skill);
        Assert.NotEqual(a.Votes.VoteLabel, c.Votes.VoteLabel);
        Assert.NotEqual(a.Truth, c.Truth);
    }

    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        // observations, users, votes, taxa, max votes per observation
        { 66_996, 8_233, 90_051, 11_425, 40 },
        { 1_000, 50, 1_000, 30, 40 },       // only the authors' votes
        { 1_000, 50, 4_900, 7, 5 },         // nearly every observation full: 4.9 votes of at most 5
        { 200, 500, 600, 3, 40 },           // more users than observations, very few taxa
        { 300, 4, 1_200, 2, 40 },           // every user votes on every observation
        { 0, 3, 0, 5, 40 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void CountsAreExactlyTheOnesAskedFor(int observations, int users, int votes, int taxa, int maxVotes)
    {
        var p = new SyntheticCrowdParameters { Observations = observations, Users = users, Votes = votes, Taxa = taxa, MaxVotesPerObservation = maxVotes, Experts = Math.Min(users, 30) };
        var sim = SyntheticCrowd.Generate(p);
        var crowd = sim.Votes;
        Assert.Equal(observations, crowd.TaskCount);
        Assert.Equal(users, crowd.WorkerCount);
        Assert.Equal(votes, crowd.VoteCount);
        Assert.Equal(taxa, crowd.LabelCount);
        Assert.Equal(observations, sim.Truth.Length);
        Assert.Equal(users, sim.Skill.Length);
        Assert.Equal(Math.Min(users, 30), sim.IsExpert.Count(e => e));
        for (var t = 0; t < observations; t++)
        {
            var count = crowd.TaskStart[t + 1] - crowd.TaskStart[t];
            Assert.InRange(count, 1, Math.Min(maxVotes, users));
            var voters = crowd.VoteWorker[crowd.TaskStart[t]..crowd.TaskStart[t + 1]];
            Assert.Equal(count, voters.Distinct().Count());
            Assert.All(voters, j => Assert.InRange(j, 0, users - 1));
            for (var v = crowd.TaskStart[t]; v < crowd.TaskStart[t + 1]; v++) Assert.InRange(crowd.VoteLabel[v], 0, taxa - 1);
            Assert.InRange(sim.Truth[t], 0, taxa - 1);
            Assert.InRange(crowd.AiLabel[t], 0, taxa - 1);
            Assert.InRange(crowd.AiScore[t], 0f, 1f);
        }
    }

    [Fact]
    public void EveryObservationCarriesItsAuthorsVoteFirstAndOnce()
    {
        var crowd = SyntheticCrowd.Generate(Small).Votes;
        for (var t = 0; t < crowd.TaskCount; t++)
        {
            Assert.Equal(crowd.Author[t], crowd.VoteWorker[crowd.TaskStart[t]]);
            for (var v = crowd.TaskStart[t] + 1; v < crowd.TaskStart[t + 1]; v++) Assert.NotEqual(crowd.Author[t], crowd.VoteWorker[v]);
        }
    }

    [Fact]
    public void ActivityIsHeavyTailed()
    {
        var sim = SyntheticCrowd.Generate(Small);
        var crowd = sim.Votes;
        var authored = new int[crowd.WorkerCount];
        foreach (var a in crowd.Author) authored[a]++;
        Array.Sort(authored);
        // Every user authors something; most author one or two; the top 1 % author a large share.
        Assert.True(authored[0] >= 1);
        Assert.True(authored.Count(c => c <= 2) > crowd.WorkerCount / 2, $"{authored.Count(c => c <= 2)} of {crowd.WorkerCount} users author 1-2 observations");
        var top = authored[^(crowd.WorkerCount / 100)..].Sum();
        Assert.True(top > 0.2 * crowd.TaskCount, $"the top 1 % author {top} of {crowd.TaskCount}");
        Assert.True(authored[^1] > 100 * authored[crowd.WorkerCount / 2]);

        // Most observations have the author's vote only; the experts cast most of the others.
        var single = Enumerable.Range(0, crowd.TaskCount).Count(t => crowd.TaskStart[t + 1] - crowd.TaskStart[t] == 1);
        Assert.InRange(single, crowd.TaskCount / 2, crowd.TaskCount - 1);
        long extra = 0, byExperts = 0;
        for (var t = 0; t < crowd.TaskCount; t++)
            for (var v = crowd.TaskStart[t] + 1; v < crowd.TaskStart[t + 1]; v++) { extra++; if (sim.IsExpert[crowd.VoteWorker[v]]) byExperts++; }
        Assert.True(byExperts > extra / 2, $"experts cast {byExperts} of {extra} votes on others' observations");
    }

    [Fact]
    public void ExpertsAreMoreAccurateAndVotesFollowSkill()
    {
        var sim = SyntheticCrowd.Generate(Small);
        var crowd = sim.Votes;
        var expertSkill = sim.Skill.Where((_, j) => sim.IsExpert[j]).Average();
        var casualSkill = sim.Skill.Where((_, j) => !sim.IsExpert[j]).Average();
        Assert.True(expertSkill > casualSkill + 0.05, $"experts {expertSkill:F3}, others {casualSkill:F3}");

        // The share of right votes matches the voters' skills (law of large numbers, ~90,000 votes).
        double expected = 0, right = 0;
        for (var t = 0; t < crowd.TaskCount; t++)
            for (var v = crowd.TaskStart[t]; v < crowd.TaskStart[t + 1]; v++)
            {
                expected += sim.Skill[crowd.VoteWorker[v]];
                if (crowd.VoteLabel[v] == sim.Truth[t]) right++;
            }
        Assert.InRange(right / crowd.VoteCount, expected / crowd.VoteCount - 0.01, expected / crowd.VoteCount + 0.01);
    }

    [Fact]
    public void WrongVotesMostlyNameALookAlike()
    {
        var p = Small;
        var sim = SyntheticCrowd.Generate(p);
        var crowd = sim.Votes;
        int wrong = 0, near = 0;
        for (var t = 0; t < crowd.TaskCount; t++)
            for (var v = crowd.TaskStart[t]; v < crowd.TaskStart[t + 1]; v++)
            {
                if (crowd.VoteLabel[v] == sim.Truth[t]) continue;
                wrong++;
                var d = Math.Abs(crowd.VoteLabel[v] - sim.Truth[t]);
                if (Math.Min(d, p.Taxa - d) <= p.ConfusionRadius) near++;
            }
        Assert.InRange((double)near / wrong, p.ConfusableShare - 0.03, p.ConfusableShare + 0.03);
    }

    [Fact]
    public void TheModelIsOptionalCalibratedAndLeavesTheHumanVotesAlone()
    {
        var with = SyntheticCrowd.Generate(Small);
        var without = SyntheticCrowd.Generate(Small with { IncludeAi = false });
        Assert.Equal(with.Votes.VoteWorker, without.Votes.VoteWorker);
        Assert.Equal(with.Votes.VoteLabel, without.Votes.VoteLabel);
        Assert.Equal(with.Truth, without.Truth);
        Assert.All(without.Votes.AiLabel, l => Assert.Equal(-1, l));

        // Calibrated: among observations scored in [0.8, 0.9), the model is right about 85 % of the time.
        var crowd = with.Votes;
        var band = Enumerable.Range(0, crowd.TaskCount).Where(t => crowd.AiScore[t] is >= 0.8f and < 0.9f).ToList();
        Assert.True(band.Count > 5_000);
        var right = band.Count(t => crowd.AiLabel[t] == with.Truth[t]);
        Assert.InRange((double)right / band.Count, 0.82, 0.88);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void TheWeightedVoteBeatsMajorityWhereVotersDisagree(ulong seed)
    {
        var sim = SyntheticCrowd.Generate(Small with { Seed = seed });
        var crowd = sim.Votes;
        var majority = LabelAggregation.MajorityVote(crowd);
        var withAi = LabelAggregation.Run(crowd, AggregationSettings.Default);
        var humansOnly = LabelAggregation.Run(crowd, AggregationSettings.Default with { AiWeight = 0 });
        Assert.True(withAi.Converged);
        Assert.True(humansOnly.Converged);
        int disagreeing = 0, majorityRight = 0, weightedRight = 0, humansOnlyRight = 0;
        for (var t = 0; t < crowd.TaskCount; t++)
        {
            var first = crowd.VoteLabel[crowd.TaskStart[t]];
            var disagree = false;
            for (var v = crowd.TaskStart[t] + 1; v < crowd.TaskStart[t + 1]; v++) disagree |= crowd.VoteLabel[v] != first;
            if (!disagree) continue;
            disagreeing++;
            if (majority[t] == sim.Truth[t]) majorityRight++;
            if (withAi.Label[t] == sim.Truth[t]) weightedRight++;
            if (humansOnly.Label[t] == sim.Truth[t]) humansOnlyRight++;
        }
        Assert.True(disagreeing > 1_000, $"{disagreeing} observations where the voters disagree");
        // At 1 % scale, about 72 % for majority and 76-86 % for the weighted vote (seeds 1-6); ask for 2 points more.
        Assert.True(humansOnlyRight >= majorityRight + disagreeing / 50, $"weighted (humans) {humansOnlyRight}, majority {majorityRight} of {disagreeing}");
        Assert.True(weightedRight >= majorityRight + disagreeing / 50, $"weighted (with model) {weightedRight}, majority {majorityRight} of {disagreeing}");
    }

    [Fact]
    public void ParametersThatCannotBeMetAreRefused()
    {
        Assert.Throws<ArgumentException>(() => SyntheticCrowd.Generate(new SyntheticCrowdParameters { Observations = 10, Users = 5, Votes = 9, Experts = 1 }));
        Assert.Throws<ArgumentException>(() => SyntheticCrowd.Generate(new SyntheticCrowdParameters { Observations = 10, Users = 3, Votes = 31, Experts = 1 }));
        Assert.Throws<ArgumentException>(() => SyntheticCrowd.Generate(new SyntheticCrowdParameters { Observations = 10, Users = 5, Votes = 10, Experts = 6 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticCrowdParameters.Default.Scaled(0));
    }
}
