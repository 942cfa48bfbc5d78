using Florascope.Survey;

namespace Florascope.Tests.Survey;

public sealed class SurveyRejectionTests
{
    // A 40x20 photo: four 10x10 windows along the top row (the smallest scale) and two 20x20 windows.
    private static readonly Tile S1 = new(0, 0, 10), S2 = new(10, 0, 10), S3 = new(20, 0, 10), S4 = new(30, 0, 10);
    private static readonly Tile L1 = new(0, 0, 20), L2 = new(20, 0, 20);

    private static SurveyAggregate Plot(params TileResult[] tiles) =>
        SurveyAggregation.Aggregate(40, 20, tiles, new CountingRule());

    private static TileResult At(Tile tile, params (string Name, double Score)[] labels) =>
        new(tile, [.. labels.Select(l => new TileLabel(l.Name, l.Score))]);

    private static Dictionary<string, SurveyReject?> Reasons(SurveyAggregate plot, SurveyRules rules) =>
        SurveyRejection.Apply(plot, rules).Labels.ToDictionary(l => l.Name, l => l.Reject);

    [Fact]
    public void EveryReasonHasItsOwnCode()
    {
        Assert.Equal(["one-window", "low-score", "never-first", "no-small-window", "one-scale", "small-coverage"],
            Enum.GetValues<SurveyReject>().Select(SurveyRejection.Code));
        Assert.Throws<ArgumentOutOfRangeException>(() => SurveyRejection.Code((SurveyReject)99));
    }

    [Fact]
    public void NoRulesDropNothingAndApplyingAgainReplacesEarlierReasons()
    {
        var plot = Plot(At(S1, ("Bellis perennis", 0.9)), At(S2, ("Rosa canina", 0.4)));
        var strict = SurveyRejection.Apply(plot, new SurveyRules(MinWindows: 5));
        Assert.All(strict.Labels, l => Assert.Equal(SurveyReject.OneWindow, l.Reject));
        Assert.All(SurveyRejection.Apply(strict, SurveyRules.None).Labels, l => Assert.Null(l.Reject));
        // The rules only mark: every label, its figures and the plot's stay as they were.
        Assert.Equal(plot.Labels.Select(l => (l.Name, l.Count, l.Coverage)), strict.Labels.Select(l => (l.Name, l.Count, l.Coverage)));
        Assert.Equal((plot.Tiles, plot.MatchingTiles, plot.Uncovered), (strict.Tiles, strict.MatchingTiles, strict.Uncovered));
    }

    [Fact]
    public void TheOneWindowRuleDropsALabelCountedInFewerWindows()
    {
        var plot = Plot(At(S1, ("Bellis perennis", 0.9)), At(S2, ("Bellis perennis", 0.8)), At(S3, ("Rosa canina", 0.95)));
        var reasons = Reasons(plot, new SurveyRules(MinWindows: 2));
        Assert.Null(reasons["Bellis perennis"]);
        Assert.Equal(SurveyReject.OneWindow, reasons["Rosa canina"]);
        // The rule of the engine's first version is this one.
        Assert.Equal(reasons, Reasons(plot, SurveyRules.OneWindowOnly));
    }

    [Fact]
    public void TheLowScoreRuleDropsALabelWhoseBestWindowStaysUnderTheThreshold()
    {
        var plot = Plot(At(S1, ("Bellis perennis", 0.65), ("Rosa canina", 0.31)), At(S2, ("Rosa canina", 0.55), ("Bellis perennis", 0.35)));
        var reasons = Reasons(plot, new SurveyRules(MinMaxScore: 0.6));
        Assert.Null(reasons["Bellis perennis"]);
        Assert.Equal(SurveyReject.LowScore, reasons["Rosa canina"]);
        // The threshold itself is kept.
        Assert.Null(Reasons(plot, new SurveyRules(MinMaxScore: 0.55))["Rosa canina"]);
    }

    [Fact]
    public void TheNeverFirstRuleDropsALookAlikeThatOnlyRidesAlongInWindowsAnotherSpeciesWins()
    {
        // Zea is second wherever it counts, even where it scores high; Rosa wins one window, Bellis three. The bottom
        // row's windows name nobody: 8 windows, so up to 2 wins may be asked (a quarter of them).
        var plot = Plot(
            At(S1, ("Bellis perennis", 0.8), ("Zea mays", 0.5)),
            At(S2, ("Bellis perennis", 0.7), ("Zea mays", 0.6)),
            At(L1, ("Bellis perennis", 0.9), ("Zea mays", 0.4)),
            At(S3, ("Rosa canina", 0.7), ("Zea mays", 0.3)),
            At(new Tile(0, 10, 10)), At(new Tile(10, 10, 10)), At(new Tile(20, 10, 10)), At(new Tile(30, 10, 10)));
        var reasons = Reasons(plot, new SurveyRules(MinWins: 1));
        Assert.Null(reasons["Bellis perennis"]);
        Assert.Null(reasons["Rosa canina"]);
        Assert.Equal(SurveyReject.NeverFirst, reasons["Zea mays"]);
        var two = Reasons(plot, new SurveyRules(MinWins: 2));
        Assert.Equal(SurveyReject.NeverFirst, two["Rosa canina"]);
        Assert.Null(two["Bellis perennis"]);
    }

    [Fact]
    public void AWindowWhoseTwoBestLabelsTieGoesToTheNameFirstInOrdinalOrder()
    {
        var plot = Plot(At(S1, ("Zea mays", 0.45), ("Bellis perennis", 0.45)));
        var reasons = Reasons(plot, new SurveyRules(MinWins: 1));
        Assert.Null(reasons["Bellis perennis"]);
        Assert.Equal(SurveyReject.NeverFirst, reasons["Zea mays"]);
    }

    [Fact]
    public void TheSmallWindowRuleDropsALabelThatWinsOnlyLargeWindows()
    {
        // Acer wins both 20 px windows, which span Bellis and Rosa, but none of the 10 px ones.
        var plot = Plot(
            At(S1, ("Bellis perennis", 0.8), ("Acer campestre", 0.4)),
            At(S2, ("Rosa canina", 0.7)),
            At(S3, ("Rosa canina", 0.6), ("Acer campestre", 0.5)),
            At(S4, ("Bellis perennis", 0.9)),
            At(L1, ("Acer campestre", 0.7), ("Bellis perennis", 0.5)),
            At(L2, ("Acer campestre", 0.6), ("Rosa canina", 0.55)));
        var reasons = Reasons(plot, new SurveyRules(MinSmallWins: 1));
        Assert.Equal(SurveyReject.NoSmallWindow, reasons["Acer campestre"]);
        Assert.Null(reasons["Bellis perennis"]);
        Assert.Null(reasons["Rosa canina"]);
        // Winning windows at all is not enough for it: the large ones count there.
        Assert.Null(Reasons(plot, new SurveyRules(MinWins: 2))["Acer campestre"]);
        // Bellis and Rosa win two 10 px windows each.
        Assert.Null(Reasons(plot, new SurveyRules(MinSmallWins: 2))["Rosa canina"]);
        Assert.Equal(SurveyReject.NoSmallWindow, Reasons(plot, new SurveyRules(MinSmallWins: 3))["Rosa canina"]);
    }

    [Fact]
    public void TheSmallestScaleIsTheSmallestWindowWhereAnyLabelCounted()
    {
        // No label counted in a 10 px window: the 20 px windows are the smallest the rule sees.
        var plot = Plot(At(S1), At(L1, ("Bellis perennis", 0.8)), At(L2, ("Rosa canina", 0.6), ("Bellis perennis", 0.4)));
        var reasons = Reasons(plot, new SurveyRules(MinSmallWins: 1));
        Assert.Null(reasons["Bellis perennis"]);
        Assert.Null(reasons["Rosa canina"]);
    }

    [Fact]
    public void TheOneScaleRuleDropsALabelFoundAtASingleWindowSize()
    {
        var plot = Plot(
            At(S1, ("Bellis perennis", 0.8)), At(L1, ("Bellis perennis", 0.7)),
            At(S3, ("Rosa canina", 0.7)), At(S4, ("Rosa canina", 0.8)));
        var reasons = Reasons(plot, new SurveyRules(MinScales: 2));
        Assert.Null(reasons["Bellis perennis"]);
        Assert.Equal(SurveyReject.OneScale, reasons["Rosa canina"]);
    }

    [Fact]
    public void TheCoverageRuleComparesALabelWithTheAreaAnyLabelCovers()
    {
        // Bellis covers the left half (0.5 of the photo), Rosa one small window (0.125); the right half names nobody,
        // so the covered area is 0.625 and Rosa's share is 0.2.
        var plot = Plot(At(L1, ("Bellis perennis", 0.8)), At(S3, ("Rosa canina", 0.7)), At(L2), At(S4));
        Assert.Equal(1 - 0.625, plot.Uncovered, 12);
        Assert.Null(Reasons(plot, new SurveyRules(MinCoverageShare: 0.2))["Rosa canina"]);
        var reasons = Reasons(plot, new SurveyRules(MinCoverageShare: 0.25));
        Assert.Equal(SurveyReject.SmallCoverage, reasons["Rosa canina"]);
        Assert.Null(reasons["Bellis perennis"]);
    }

    [Fact]
    public void ALabelFailingSeveralRulesGetsTheFirstReasonInTheEnumsOrder()
    {
        // Zea: one window, low score, never first, one scale.
        var plot = Plot(At(S1, ("Bellis perennis", 0.9), ("Zea mays", 0.35)), At(L1, ("Bellis perennis", 0.8)));
        var all = new SurveyRules(MinWindows: 2, MinMaxScore: 0.5, MinWins: 1, MinScales: 2);
        Assert.Equal(SurveyReject.OneWindow, Reasons(plot, all)["Zea mays"]);
        Assert.Equal(SurveyReject.LowScore, Reasons(plot, all with { MinWindows = 1 })["Zea mays"]);
        Assert.Equal(SurveyReject.NeverFirst, Reasons(plot, all with { MinWindows = 1, MinMaxScore = 0 })["Zea mays"]);
        Assert.Equal(SurveyReject.OneScale, Reasons(plot, new SurveyRules(MinScales: 2))["Zea mays"]);
        Assert.Null(Reasons(plot, all)["Bellis perennis"]);
        Assert.Equal(SurveyReject.LowScore, SurveyRejection.ReasonFor(plot.Labels.Single(l => l.Name == "Zea mays"), plot, new SurveyRules(MinMaxScore: 0.5)));
    }

    [Fact]
    public void AnEmptyPlotHasNothingToDrop() =>
        Assert.Empty(SurveyRejection.Apply(SurveyAggregate.Empty(12), SurveyRules.Default).Labels);

    [Fact]
    public void ApplyWithoutRulesUsesTheDefaults()
    {
        var plot = Plot(
            At(S1, ("Bellis perennis", 0.9), ("Zea mays", 0.35)), At(S2, ("Bellis perennis", 0.85)), At(L1, ("Bellis perennis", 0.8), ("Zea mays", 0.32)),
            At(S3, ("Rosa canina", 0.4)));
        var byDefault = SurveyRejection.Apply(plot);
        Assert.Equal(SurveyRejection.Apply(plot, SurveyRules.Default).Labels.Select(l => l.Reject), byDefault.Labels.Select(l => l.Reject));
        // A species that fills windows and wins them clearly is kept by the defaults; a one-window sliver is not.
        Assert.Null(byDefault.Labels.Single(l => l.Name == "Bellis perennis").Reject);
        Assert.NotNull(byDefault.Labels.Single(l => l.Name == "Rosa canina").Reject);
        Assert.Equal(SurveyRules.Default.MinWindows, SurveyRejection.MinWindows);
    }

    [Fact]
    public void OneScaleAppliesOnlyWhenTheSurveyMadeTwoWindowSizes()
    {
        // Windows of one size only (multi_scale=false, or a photo no larger than the tile): no label can be found at two.
        var single = Plot(At(S1, ("Bellis perennis", 0.9), ("Rosa canina", 0.85)), At(S2, ("Bellis perennis", 0.9), ("Rosa canina", 0.85)), At(S3, ("Bellis perennis", 0.85)));
        Assert.Equal(1, single.Scales);
        Assert.Null(Reasons(single, SurveyRules.Default)["Bellis perennis"]);
        // The other rules still apply: Bellis (0.9) wins S1 and S2 over Rosa (0.85) and Rosa none; one window of four is asked.
        Assert.Equal(SurveyReject.NeverFirst, Reasons(single, SurveyRules.Default)["Rosa canina"]);
        // With two sizes the rule is as written: Bellis at the smallest size only is dropped.
        var two = Plot(At(S1, ("Bellis perennis", 0.9)), At(S2, ("Bellis perennis", 0.9)), At(S3, ("Bellis perennis", 0.85)), At(L2, ("Rosa canina", 0.9)),
            At(S4, ("Rosa canina", 0.9)), At(L1, ("Zea mays", 0.9)));
        Assert.Equal(2, two.Scales);
        Assert.Equal(SurveyReject.OneScale, Reasons(two, SurveyRules.Default)["Bellis perennis"]);
    }

    [Fact]
    public void ThePhotosWindowsCapTheWinsAndWindowsAsked()
    {
        // One window (a photo no larger than the tile): its plant is kept when it scores high, dropped when it does not.
        var one = SurveyAggregation.Aggregate(10, 10, [At(new Tile(0, 0, 10), ("Bellis perennis", 0.9), ("Rosa canina", 0.35))], new CountingRule());
        Assert.Null(Reasons(one, SurveyRules.Default)["Bellis perennis"]);
        Assert.Equal(SurveyReject.LowScore, Reasons(one, SurveyRules.Default)["Rosa canina"]);
        // Asking 3 windows of a 1-window photo asks 1.
        Assert.Null(Reasons(one, new SurveyRules(MinWindows: 3))["Bellis perennis"]);
        // Two windows: a plant must win one (a quarter of them, at least 1); a label winning none is dropped.
        var two = SurveyAggregation.Aggregate(20, 10, [At(new Tile(0, 0, 10), ("Bellis perennis", 0.9)), At(new Tile(10, 0, 10), ("Bellis perennis", 0.85), ("Rosa canina", 0.4))],
            new CountingRule());
        Assert.Null(Reasons(two, SurveyRules.Default)["Bellis perennis"]);
        Assert.Equal(SurveyReject.LowScore, Reasons(two, SurveyRules.Default)["Rosa canina"]);
        Assert.Equal(SurveyReject.NeverFirst, Reasons(two, new SurveyRules(MinWins: 3))["Rosa canina"]);
    }

    [Fact]
    public void AHandMadeAggregateCountsTheSizesItsLabelsWereFoundAt()
    {
        var label = new SurveyLabel("Bellis perennis", 0.9, 2, 0.5, [new LabelLocation(5, 5, 10, 0.9), new LabelLocation(10, 10, 20, 0.9)]);
        Assert.Equal(2, new SurveyAggregate([label], 2, 2, 0.5).Scales);
        Assert.Equal(1, SurveyAggregate.Empty(4).Scales);
        Assert.Equal(3, (new SurveyAggregate([label], 2, 2, 0.5) with { Scales = 3 }).Scales);
    }
}
