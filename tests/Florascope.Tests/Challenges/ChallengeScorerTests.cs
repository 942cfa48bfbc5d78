using System.Text;
using Florascope.Challenges;

namespace Florascope.Tests.Challenges;

public sealed class ChallengeScorerTests
{
    private const string Truth = "o1;A\no2;A\no3;B\no4;C\n";

    private static MemoryStream Text(string s) => new(Encoding.UTF8.GetBytes(s));

    private static ChallengeScores Score(string run, string truth = Truth) =>
        ChallengeScorer.Score(ChallengeTruth.Read(Text(truth)), Text(run));

    [Fact]
    public void AHandWorkedRunWithATieAndAMissingObservation()
    {
        var s = Score("""
            o1;A;0.9;1
            o1;B;0.1;2
            o2;B;0.6;1
            o2;A;0.4;2
            o3;C;0.5;1
            o3;A;0.5;2
            o3;B;0.3;3
            """);
        // Reciprocal ranks 1, 1/2, 1/3 and 0 (o4 absent still counts).
        Assert.Equal((1 + 0.5 + 1.0 / 3) / 4, s.Mrr, 12);
        // Per class: A (1 + 1/2) / 2, B 1/3, C 0; their mean.
        Assert.Equal((0.75 + 1.0 / 3 + 0) / 3, s.MacroMrr, 12);
        Assert.Equal(0.25, s.Top1, 12);
        Assert.Equal(0.75, s.Top5, 12);
        Assert.Equal((4, 3, 3, 7L), (s.Observations, s.Classes, s.Predicted, s.Predictions));
    }

    [Fact]
    public void APerfectRunScoresOneAndOrderOfLinesDoesNotMatter()
    {
        var s = Score("o4;C;1;1\no2;A;0.7;1\no1;A;1;1\no2;B;0.3;2\no3;B;0.99;1\n");
        Assert.Equal((1.0, 1.0, 1.0, 1.0), (s.Mrr, s.MacroMrr, s.Top1, s.Top5));
    }

    [Fact]
    public void TheTrueClassAtRankSixCountsForMrrButNotTopFive()
    {
        var lines = string.Join("\n", new[] { "B", "C", "D", "E", "F", "A" }.Select((c, i) => $"o1;{c};{0.5 - i * 0.05:0.00};{i + 1}"));
        var s = Score(lines, "o1;A\no2;B\no3;C\no4;D\no5;E\no6;F\n");
        Assert.Equal(1.0 / 6 / 6, s.Mrr, 12);
        Assert.Equal(0, s.Top5);
    }

    [Theory]
    [InlineData("o1;A;0.9\n", 1, "expected 4 fields")]
    [InlineData("o1;A;0.9;1\no9;A;0.9;1\n", 2, "unknown observation o9")]
    [InlineData("o1;Z;0.9;1\n", 1, "unknown class Z")]
    [InlineData("o1;A;1.5;1\n", 1, "not a number in [0, 1]")]
    [InlineData("o1;A;NaN;1\n", 1, "not a number in [0, 1]")]
    [InlineData("o1;A;0.5;0\n", 1, "not a whole number from 1")]
    [InlineData("o1;A;0.5;1\no1;B;0.4;1\n", 2, "rank 1 is given twice")]
    [InlineData("o1;A;0.5;1\no1;A;0.4;2\n", 2, "class A is predicted twice")]
    [InlineData("o1;A;0.5;1\no1;B;0.4;3\n", 0, "without gaps")]
    [InlineData("o1;A;0.4;1\no1;B;0.5;2\n", 0, "rank 2 has a higher probability than rank 1")]
    [InlineData("", 0, "the file is empty")]
    [InlineData("\n\n", 0, "the file is empty")]
    public void AMalformedRunIsRefusedWithItsLine(string run, int line, string reason)
    {
        var e = Assert.Throws<RunFileException>(() => Score(run));
        Assert.Equal(line, e.Line);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreThanThirtyPredictionsForOneObservationAreRefused()
    {
        var classes = Enumerable.Range(0, 31).Select(i => $"c{i}").ToList();
        var truth = "o1;c0\n" + string.Join("\n", classes.Skip(1).Select((c, i) => $"x{i};{c}"));
        var run = string.Join("\n", classes.Select((c, i) => $"o1;{c};0.01;{i + 1}"));
        var e = Assert.Throws<RunFileException>(() => Score(run, truth));
        Assert.Equal(31, e.Line);
        Assert.Contains("more than 30", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void BytesThatAreNotUtf8AreRefusedAtTheirLine()
    {
        var bytes = Encoding.UTF8.GetBytes("o1;A;0.9;1\n").Concat(new byte[] { 0x6f, 0x32, 0x3b, 0xff, 0xfe, 0x3b, 0x30, 0x3b, 0x31, 0x0a }).ToArray();
        var e = Assert.Throws<RunFileException>(() => ChallengeScorer.Score(ChallengeTruth.Read(Text(Truth)), new MemoryStream(bytes)));
        Assert.Equal(2, e.Line);
        Assert.Contains("encoding", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ATruthFileGivingAnObservationTwiceIsRefused()
    {
        var e = Assert.Throws<RunFileException>(() => ChallengeTruth.Read(Text("o1;A\no1;B\n")));
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void ClassesPublishedBeyondTheTruthMayBePredicted()
    {
        var truth = ChallengeTruth.Read(Text(Truth), knownClasses: ["D"]);
        var s = ChallengeScorer.Score(truth, Text("o1;D;0.6;1\no1;A;0.4;2\n"));
        Assert.Equal(0.5 / 4, s.Mrr, 12);
        // D is not in the test set: the macro average is over A, B and C.
        Assert.Equal(3, s.Classes);
    }
}
