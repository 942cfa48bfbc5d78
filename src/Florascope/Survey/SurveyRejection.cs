namespace Florascope.Survey;

/// <summary>Why a label found in some windows is dropped from a plot's list (the answer's <c>reject</c>).</summary>
public enum SurveyReject
{
    /// <summary>It counted in too few windows: a window straddling two plants, or showing a sliver of one, names confident wrong species once.</summary>
    OneWindow,

    /// <summary>
    /// Its best window score stays low: a plant really in the plot fills some window and wins it clearly, while a
    /// look-alike rides along at 0.3-0.5 as the second or third label of windows another species wins.
    /// </summary>
    LowScore,

    /// <summary>
    /// It is the best label of too few windows: every window it counts in is won by a more confident species, so it is
    /// that species' look-alike (per-window top-k then a frequency filter, as PlantCLEF 2024-2025 entries did).
    /// </summary>
    NeverFirst,

    /// <summary>
    /// It wins no window of the smallest scale: a plant fills small windows best, while the large windows that span
    /// several plants name whatever their mixture resembles.
    /// </summary>
    NoSmallWindow,

    /// <summary>It was found at one window size only: a real plant is seen at a scale and the next one up.</summary>
    OneScale,

    /// <summary>
    /// Its windows cover a small share of the area any label covers: a few stray windows on the edge of other plants.
    /// </summary>
    SmallCoverage,
}

/// <summary>
/// The thresholds of <see cref="SurveyRejection"/>; a rule whose threshold is at its neutral value (0, or 1 window)
/// drops nothing. The window rules are relative to what the tiling allows, so that a plant is not dropped for windows
/// that were never made: <see cref="MinWindows"/> asks at most the windows the photo has; <see cref="MinWins"/> at most
/// a quarter of them (at least 1: one plant of a 2 x 2 plot is the best label of about a quarter of its windows); and
/// <see cref="MinScales"/> at most the window sizes made (one size: a single-scale survey, or a photo whose short side
/// is at most the tile size). A multi-scale survey of a phone photo (224 windows at 6 sizes for 12 MP) meets every
/// threshold as written: the figures measured with <see cref="Default"/> stand. <see cref="Default"/> is what the API
/// applies: chosen on development plots made of training photos and measured once on plots of validation photos
/// (docs/model.md, "Surveys of plots").
/// </summary>
/// <param name="MinWindows">The fewest windows a label must count in (<see cref="SurveyReject.OneWindow"/>).</param>
/// <param name="MinMaxScore">The lowest best-window score kept (<see cref="SurveyReject.LowScore"/>).</param>
/// <param name="MinWins">The fewest windows a label must be the best label of (<see cref="SurveyReject.NeverFirst"/>).</param>
/// <param name="MinSmallWins">The fewest windows of the smallest scale it must win (<see cref="SurveyReject.NoSmallWindow"/>).</param>
/// <param name="MinScales">The fewest window sizes it must be found at (<see cref="SurveyReject.OneScale"/>).</param>
/// <param name="MinCoverageShare">The least share of the covered area its windows must cover (<see cref="SurveyReject.SmallCoverage"/>).</param>
public sealed record SurveyRules(int MinWindows = 1, double MinMaxScore = 0, int MinWins = 0, int MinSmallWins = 0, int MinScales = 1, double MinCoverageShare = 0)
{
    /// <summary>Nothing dropped: Pl@ntNet's plain aggregation.</summary>
    public static readonly SurveyRules None = new();

    /// <summary>The rule of the engine's first version: at least two windows.</summary>
    public static readonly SurveyRules OneWindowOnly = new(MinWindows: 2);

    /// <summary>
    /// What the API applies: the best of 5400 rule sets on 16 development plots of training photos (macro F1 0.749
    /// there; the same F1 with more rules is not taken), measured once on validation plots (docs/model.md).
    /// </summary>
    public static readonly SurveyRules Default = new(MinMaxScore: 0.8, MinWins: 3, MinScales: 2);
}

/// <summary>
/// Marks the labels a plot's list drops (pure). Pl@ntNet's survey answers list every label with <c>reject</c> set on
/// the dropped ones; clients (its benchmark-survey script, the app) keep those without it.
/// </summary>
public static class SurveyRejection
{
    /// <summary>The fewest windows a label must count in to be kept by the default rules.</summary>
    public static int MinWindows => SurveyRules.Default.MinWindows;

    /// <summary>Every label with its reason under <see cref="SurveyRules.Default"/>.</summary>
    public static SurveyAggregate Apply(SurveyAggregate aggregate) => Apply(aggregate, SurveyRules.Default);

    /// <summary>Every label with the first rule, in the enum's order, that drops it (or none); any earlier reason is replaced.</summary>
    public static SurveyAggregate Apply(SurveyAggregate aggregate, SurveyRules rules)
    {
        var context = new PlotContext(aggregate);
        return aggregate with { Labels = [.. aggregate.Labels.Select(l => l with { Reject = ReasonFor(l, context, rules) })] };
    }

    /// <summary>Why <paramref name="label"/> is dropped from <paramref name="aggregate"/> (it must be one of its labels), or null.</summary>
    public static SurveyReject? ReasonFor(SurveyLabel label, SurveyAggregate aggregate, SurveyRules rules) =>
        ReasonFor(label, new PlotContext(aggregate), rules);

    private static SurveyReject? ReasonFor(SurveyLabel label, PlotContext plot, SurveyRules rules)
    {
        // Capped by the windows and sizes the tiling made: a threshold no label could meet would empty the plot.
        var minWindows = Math.Min(rules.MinWindows, plot.Windows);
        var minWins = Math.Min(rules.MinWins, Math.Max(1, plot.Windows / 4));
        var minScales = Math.Min(rules.MinScales, plot.Scales);
        if (label.Count < minWindows) return SurveyReject.OneWindow;
        if (label.MaxScore < rules.MinMaxScore) return SurveyReject.LowScore;
        if (minWins > 0 && plot.Wins(label, smallestOnly: false) < minWins) return SurveyReject.NeverFirst;
        if (rules.MinSmallWins > 0 && plot.Wins(label, smallestOnly: true) < rules.MinSmallWins) return SurveyReject.NoSmallWindow;
        if (minScales > 1 && label.Locations.Select(l => l.Size).Distinct().Count() < minScales) return SurveyReject.OneScale;
        if (rules.MinCoverageShare > 0 && label.Coverage < rules.MinCoverageShare * plot.Covered) return SurveyReject.SmallCoverage;
        return null;
    }

    /// <summary>The reason as the answer writes it.</summary>
    public static string Code(SurveyReject reason) => reason switch
    {
        SurveyReject.OneWindow => "one-window",
        SurveyReject.LowScore => "low-score",
        SurveyReject.NeverFirst => "never-first",
        SurveyReject.NoSmallWindow => "no-small-window",
        SurveyReject.OneScale => "one-scale",
        SurveyReject.SmallCoverage => "small-coverage",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    /// <summary>
    /// What the rules compare a label with: each window's best label, rebuilt from every label's locations (a window is
    /// its centre and size; ties go to the name first in ordinal order), the smallest window size, and the covered area.
    /// </summary>
    private sealed class PlotContext
    {
        private readonly Dictionary<(double X, double Y, int Size), (string Name, double Score)> _winners = [];
        private readonly int _smallest = int.MaxValue;

        public PlotContext(SurveyAggregate aggregate)
        {
            foreach (var label in aggregate.Labels)
                foreach (var at in label.Locations)
                {
                    _smallest = Math.Min(_smallest, at.Size);
                    var key = (at.CenterX, at.CenterY, at.Size);
                    if (!_winners.TryGetValue(key, out var best) || at.Score > best.Score
                        || (at.Score == best.Score && string.CompareOrdinal(label.Name, best.Name) < 0))
                        _winners[key] = (label.Name, at.Score);
                }
            Covered = 1 - aggregate.Uncovered;
            Windows = aggregate.Tiles;
            Scales = aggregate.Scales;
        }

        /// <summary>The windows the survey made.</summary>
        public int Windows { get; }

        /// <summary>The window sizes the survey made.</summary>
        public int Scales { get; }

        /// <summary>The fraction of the photo some label covers.</summary>
        public double Covered { get; }

        /// <summary>The windows (of the smallest size only, or all) whose best label is <paramref name="label"/>.</summary>
        public int Wins(SurveyLabel label, bool smallestOnly) =>
            label.Locations.Count(at => (!smallestOnly || at.Size == _smallest)
                && _winners.TryGetValue((at.CenterX, at.CenterY, at.Size), out var best) && best.Name == label.Name);
    }
}
