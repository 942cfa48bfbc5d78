using Florascope.Challenges;

namespace Florascope.Tests.Challenges;

/// <summary><see cref="ObservationSplit"/>: the newest share of the observations is the test set.</summary>
public sealed class ObservationSplitTests
{
    private static readonly DateTime Day = new(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(2, 20, 1)]
    [InlineData(2, 99, 1)]
    [InlineData(10, 20, 2)]
    [InlineData(10, 25, 3)]
    [InlineData(10, 24, 2)]
    [InlineData(3, 1, 1)]
    [InlineData(1000, 30, 300)]
    public void TheTestSetIsTheShareRoundedKeepingOneObservationOnEachSide(int count, int percent, int test) =>
        Assert.Equal(test, ObservationSplit.TestCount(count, percent));

    [Theory]
    [InlineData(1, 20)]
    [InlineData(10, 0)]
    [InlineData(10, 100)]
    public void TooFewObservationsOrAShareOutOfRangeIsRefused(int count, int percent) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ObservationSplit.TestCount(count, percent));

    [Fact]
    public void TheNewestObservationsAreTheTestSet()
    {
        SplitCandidate[] observations = [new(1, Day.AddDays(5)), new(2, Day), new(3, Day.AddDays(9)), new(4, Day.AddDays(1)), new(5, Day.AddDays(7))];
        Assert.Equal([3, 5], ObservationSplit.TestIds(observations, 40).Order());
        Assert.Equal([1, 3, 4, 5], ObservationSplit.TestIds(observations, 80).Order());
    }

    [Fact]
    public void EqualDatesAreOrderedByIdSoTheGivenOrderDoesNotMatter()
    {
        SplitCandidate[] observations = [new(7, Day), new(3, Day), new(9, Day), new(1, Day.AddDays(-1))];
        var test = ObservationSplit.TestIds(observations, 50);
        Assert.Equal([7, 9], test.Order());
        Assert.Equal(test.Order(), ObservationSplit.TestIds([.. observations.Reverse()], 50).Order());
    }
}
