using Florascope.Challenges;

namespace Florascope.Tests.Challenges;

/// <summary><see cref="BaselineRun"/>: which classes and lines the model's identifications become in a run. Pure.</summary>
public sealed class BaselineRunTests
{
    private static readonly IReadOnlyDictionary<string, string> Classes =
        BaselineRun.ClassIdsByName([new ChallengeClass("c0001", "Bellis perennis"), new ChallengeClass("c0002", "Rosa canina"), new ChallengeClass("c0003", "Zea mays")]);

    [Fact]
    public void TaxaOutsideTheChallengeAreDroppedAndTheRestRenormalisedInDecreasingOrder()
    {
        var p = BaselineRun.Predictions([("Quercus robur", 0.2), ("rosa_canina", 0.3), ("Bellis  perennis", 0.5), ("Zea mays", 0)], Classes);
        Assert.Equal(["c0001", "c0002"], p.Select(x => x.ClassId));
        Assert.Equal(0.625, p[0].Probability, 12);
        Assert.Equal(0.375, p[1].Probability, 12);
    }

    [Fact]
    public void TiesGoByClassIdAndNoMatchIsNoPrediction()
    {
        var p = BaselineRun.Predictions([("Zea mays", 0.25), ("Rosa canina", 0.25), ("Bellis perennis", 0.5)], Classes);
        Assert.Equal(["c0001", "c0002", "c0003"], p.Select(x => x.ClassId));
        Assert.Empty(BaselineRun.Predictions([("Quercus robur", 1.0)], Classes));
    }

    [Fact]
    public void AtMost30PredictionsWhoseProbabilitiesNeverRise()
    {
        var classes = BaselineRun.ClassIdsByName(Enumerable.Range(1, 40).Select(i => new ChallengeClass($"c{i:D4}", $"Genus species{i}")));
        var p = BaselineRun.Predictions(Enumerable.Range(1, 40).Select(i => ($"Genus species{i}", (double)(i % 7 + 1))), classes);
        Assert.Equal(RunFile.MaxPredictions, p.Count);
        for (var i = 1; i < p.Count; i++) Assert.True(p[i].Probability <= p[i - 1].Probability);
        Assert.InRange(p.Sum(x => x.Probability), 0, 1);
    }

    [Fact]
    public void LinesAreInTheRunFormatAndTheScorerTakesThem()
    {
        var writer = new StringWriter();
        var n = BaselineRun.Write(writer, "0123456789abcdef", BaselineRun.Predictions([("Rosa canina", 3), ("Zea mays", 1)], Classes));
        Assert.Equal(2, n);
        Assert.Equal("0123456789abcdef;c0002;0.75;1\n0123456789abcdef;c0003;0.25;2\n", writer.ToString());
        var truth = ChallengeTruth.Read(new MemoryStream("0123456789abcdef;c0003\n"u8.ToArray()), "truth", ["c0001", "c0002", "c0003"]);
        var scores = ChallengeScorer.Score(truth, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(writer.ToString())));
        Assert.Equal(0.5, scores.Mrr, 12);
    }

    [Fact]
    public void NotesNameTheirModelVersion()
    {
        Assert.Equal("florascope-demo-1 saw 12 of the 400 test photos: no baseline run.", BaselineRun.SawNote("florascope-demo-1", 12, 400));
        Assert.True(BaselineRun.IsAbout(BaselineRun.SawNote("v1", 1, 2), "v1"));
        Assert.True(BaselineRun.IsAbout(BaselineRun.UnknownNote("v1"), "v1"));
        Assert.True(BaselineRun.IsAbout(BaselineRun.NoPredictionsNote("v1"), "v1"));
        Assert.False(BaselineRun.IsAbout(BaselineRun.SawNote("v1", 1, 2), "v10"));
        Assert.False(BaselineRun.IsAbout(null, "v1"));
        Assert.Equal("Florascope's current model (v2)", BaselineRun.Method("v2"));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(5, true)]
    [InlineData(-1, false)]
    [InlineData(double.NaN, false)]
    [InlineData(7 * 24 * 60 + 1, false)]
    public void TheBaselineJobsPeriodIsCheckedAtStart(double minutes, bool valid)
    {
        if (valid) Assert.Equal(minutes, Florascope.Web.Challenges.BaselineRuns.ValidMinutes(minutes));
        else Assert.Throws<ArgumentException>(() => Florascope.Web.Challenges.BaselineRuns.ValidMinutes(minutes));
    }

    [Theory]
    [InlineData("test/0123456789abcdef.jpg", "0123456789abcdef")]
    [InlineData("README.txt", null)]
    [InlineData("test/0123456789abcdef/2.jpg", "0123456789abcdef")]
    [InlineData("test/a/b/c.jpg", null)]
    [InlineData("test//b.jpg", null)]
    [InlineData("test/.jpg", null)]
    public void TestPhotosAreFoundByTheirEntryName(string entry, string? observation) =>
        Assert.Equal(observation, ChallengeClasses.ObservationOf(entry));

    [Fact]
    public void ClassesAreNumberedInNameOrderAndReadBack()
    {
        var classes = ChallengeClasses.Number(["Zea mays", "Bellis perennis", "Zea mays"]);
        Assert.Equal([new ChallengeClass("c0001", "Bellis perennis"), new ChallengeClass("c0002", "Zea mays")], classes);
        var writer = new StringWriter();
        ChallengeClasses.Write(writer, classes);
        Assert.Equal(classes, ChallengeClasses.Read(new StringReader(writer.ToString())));
    }
}
