namespace Florascope.Survey;

/// <summary>Why a label found in some windows is dropped from a plot's list (the answer's <c>reject</c>).</summary>
public enum SurveyReject
{
    /// <summary>It counted in one window only: a window straddling two plants, or showing a sliver of one, names confident wrong species.</summary>
    OneWindow,
}

/// <summary>
/// Marks the labels a plot's list drops (pure). Pl@ntNet's survey answers list every label with <c>reject</c> set on
/// the dropped ones; clients (its benchmark-survey script, the app) keep those without it.
/// </summary>
public static class SurveyRejection
{
    /// <summary>The fewest windows a label must count in to be kept.</summary>
    public const int MinWindows = 2;

    public static SurveyAggregate Apply(SurveyAggregate aggregate) =>
        aggregate with { Labels = [.. aggregate.Labels.Select(l => l with { Reject = ReasonFor(l) })] };

    public static SurveyReject? ReasonFor(SurveyLabel label) => label.Count < MinWindows ? SurveyReject.OneWindow : null;

    /// <summary>The reason as the answer writes it.</summary>
    public static string Code(SurveyReject reason) => reason switch
    {
        SurveyReject.OneWindow => "one-window",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}
