using System.Text;
using Florascope.Challenges;
using Florascope.Web.Challenges;

namespace Florascope.Tests.Challenges;

/// <summary>The scorer's split of a stored run into public and private scores, against hand-computed values.</summary>
public sealed class RunScorerTests
{
    private static ChallengeTruth Truth() =>
        ChallengeTruth.Read(new MemoryStream(Encoding.UTF8.GetBytes(string.Concat(ChallengeTestData.Observations.Select((o, i) => $"{o};{ChallengeTestData.TrueClasses[i]}\n")))),
            "truth", ChallengeTestData.Classes);

    [Fact]
    public void ThePublicAndPrivatePartsAreScoredApart()
    {
        Assert.Equal([true, true, false, false], ChallengeRules.PublicMask(ChallengeTestData.SplitKey, ChallengeTestData.Observations, 50));
        var gzip = new MemoryStream(ChallengeTestData.Gzip(Encoding.UTF8.GetBytes(ChallengeTestData.GoodRun)));
        var (pub, priv) = RunScorer.ScoreParts(Truth(), ChallengeTestData.SplitKey, 50, gzip);
        // By hand (ChallengeTestData.GoodRun): public o1 rank 1, o2 rank 2 (both c1); private o3 absent (c2), o4 rank 4 (c3).
        Assert.Equal(new ScoreSet(0.75, 0.75, 0.5, 1), pub);
        Assert.Equal(new ScoreSet(0.125, 0.125, 0, 0.5), priv);
    }

    [Fact]
    public void AllPublicLeavesNoPrivateScores()
    {
        var gzip = new MemoryStream(ChallengeTestData.Gzip(Encoding.UTF8.GetBytes(ChallengeTestData.PerfectRun)));
        var (pub, priv) = RunScorer.ScoreParts(Truth(), ChallengeTestData.SplitKey, 100, gzip);
        Assert.Equal(new ScoreSet(1, 1, 1, 1), pub);
        Assert.Null(priv);
    }

    [Fact]
    public void AStoredRunThatIsNotValidFailsWithItsReason()
    {
        var gzip = new MemoryStream(ChallengeTestData.Gzip(Encoding.UTF8.GetBytes("o1;c9;0.5;1\n")));
        var e = Assert.Throws<InvalidDataException>(() => RunScorer.ScoreParts(Truth(), ChallengeTestData.SplitKey, 50, gzip));
        Assert.Contains("unknown class c9", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => RunScorer.ScoreParts(Truth(), ChallengeTestData.SplitKey, 50, new MemoryStream([0x1F, 0x8B, 1, 2, 3])));
    }

    [Fact]
    public void TheStartUpSweepDeletesOnlyOldTemporaryRuns()
    {
        using var dir = new Florascope.Tests.TestSupport.TempDirectory();
        var old = Path.Combine(dir.Path, "run-old.part");
        var fresh = Path.Combine(dir.Path, "run-fresh.part");
        var other = Path.Combine(dir.Path, "keep.txt");
        foreach (var f in new[] { old, fresh, other }) File.WriteAllText(f, "x");
        var cutoff = new DateTime(2026, 5, 20, 10, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(old, cutoff.AddHours(-1));
        File.SetLastWriteTimeUtc(fresh, cutoff.AddMinutes(1));
        File.SetLastWriteTimeUtc(other, cutoff.AddHours(-1));
        Assert.Equal(1, RunUpload.SweepTemp(dir.Path, cutoff));
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(other));
        Assert.Equal(0, RunUpload.SweepTemp(Path.Combine(dir.Path, "missing"), cutoff));
    }
}
