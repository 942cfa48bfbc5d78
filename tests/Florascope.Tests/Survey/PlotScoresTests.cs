using Florascope.Survey;

namespace Florascope.Tests.Survey;

public sealed class PlotScoresTests
{
    [Fact]
    public void HandWorkedPlotsAndTheirMacroF1()
    {
        var set = PlotScores.Of(
        [
            // 2 of 3 found, 1 wrong: P 2/3, R 2/3, F1 2/3.
            (["A", "B", "C"], ["A", "B", "D"]),
            // All found, nothing else: 1.
            (["A"], ["A"]),
            // Nothing predicted: P 0, R 0, F1 0.
            (["A", "B"], []),
            // 1 of 2 found, 3 predicted: P 1/3, R 1/2, F1 2 x 1/6 / (5/6) = 0.4.
            (["A", "B"], ["A", "C", "D"]),
        ]);
        Assert.Equal([2.0 / 3, 1, 0, 0.4], set.Plots.Select(p => Math.Round(p.F1, 12)), (a, b) => Math.Abs(a - Math.Round(b, 12)) < 1e-12);
        Assert.Equal((2.0 / 3 + 1 + 0 + 0.4) / 4, set.MacroF1, 12);
        Assert.Equal((2.0 / 3 + 1 + 0 + 1.0 / 3) / 4, set.MacroPrecision, 12);
        Assert.Equal((2.0 / 3 + 1 + 0 + 0.5) / 4, set.MacroRecall, 12);
        Assert.Equal((1, 3, 2), (set.Plots[3].TruePositives, set.Plots[3].Predicted, set.Plots[3].Truth));
    }

    [Fact]
    public void DuplicatesCountOnceAndAnEmptyPlotPredictedEmptyIsPerfect()
    {
        Assert.Equal(1, PlotScores.Of(["A", "A"], ["A", "A", "A"]).F1);
        Assert.Equal(1, PlotScores.Of([], []).F1);
        Assert.Equal(0, PlotScores.Of([], ["A"]).F1);
    }
}
