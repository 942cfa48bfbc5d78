namespace Florascope.Survey;

/// <summary>Precision, recall and F1 of one plot's predicted species against its true ones.</summary>
public sealed record PlotScore(double Precision, double Recall, double F1, int TruePositives, int Predicted, int Truth);

/// <summary>The scores of a set of plots: each plot's, and their means (PlantCLEF 2024-2025: macro F1 over plots).</summary>
public sealed record PlotSetScores(IReadOnlyList<PlotScore> Plots, double MacroPrecision, double MacroRecall, double MacroF1);

/// <summary>Multi-label scores of plot surveys (pure).</summary>
public static class PlotScores
{
    /// <summary>
    /// One plot: precision = found / predicted (0 when nothing is predicted), recall = found / true (1 when the plot has no
    /// species and nothing is predicted), F1 their harmonic mean (0 when either is 0).
    /// </summary>
    public static PlotScore Of(IEnumerable<string> truth, IEnumerable<string> predicted)
    {
        var t = truth.ToHashSet(StringComparer.Ordinal);
        var p = predicted.ToHashSet(StringComparer.Ordinal);
        var tp = p.Count(t.Contains);
        if (t.Count == 0 && p.Count == 0) return new PlotScore(1, 1, 1, 0, 0, 0);
        var precision = p.Count == 0 ? 0 : (double)tp / p.Count;
        var recall = t.Count == 0 ? 0 : (double)tp / t.Count;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new PlotScore(precision, recall, f1, tp, p.Count, t.Count);
    }

    /// <summary>Each plot's scores and the means over plots (every plot weighs the same).</summary>
    public static PlotSetScores Of(IReadOnlyList<(IEnumerable<string> Truth, IEnumerable<string> Predicted)> plots)
    {
        ArgumentOutOfRangeException.ThrowIfZero(plots.Count);
        var scores = plots.Select(p => Of(p.Truth, p.Predicted)).ToList();
        return new PlotSetScores(scores, scores.Average(s => s.Precision), scores.Average(s => s.Recall), scores.Average(s => s.F1));
    }
}
