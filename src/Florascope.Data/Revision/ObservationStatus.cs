namespace Florascope.Data.Revision;

/// <summary>Where an observation stands in the community revision.</summary>
public static class ObservationStatus
{
    /// <summary>Weighted confidence and accuracy above the thresholds.</summary>
    public const string Valid = "valid";
    /// <summary>Not valid, and the votes counted agree (or there are none): more votes would settle it.</summary>
    public const string NeedsVotes = "needs-votes";
    /// <summary>Not valid, and the votes counted name more than one taxon.</summary>
    public const string Disputed = "disputed";

    public static IReadOnlyList<string> All { get; } = [Valid, NeedsVotes, Disputed];
}

/// <summary>The aspects of a photo users vote on, and their values.</summary>
public static class PhotoAspects
{
    /// <summary>Value: one of the organs (leaf, flower, fruit, bark, habit, other).</summary>
    public const string Organ = "organ";
    /// <summary>Flags, value "yes" or "no": a flag voted "yes" by a valid weighted vote excludes the photo.</summary>
    public const string NotAPlant = "not-a-plant";
    public const string PoorQuality = "poor-quality";
    public const string Duplicate = "duplicate";

    public const string Yes = "yes";
    public const string No = "no";

    public static IReadOnlyList<string> All { get; } = [Organ, NotAPlant, PoorQuality, Duplicate];
    public static IReadOnlyList<string> Flags { get; } = [NotAPlant, PoorQuality, Duplicate];
    public static IReadOnlyList<string> VotableOrgans { get; } = ["leaf", "flower", "fruit", "bark", "habit", "other"];

    /// <summary>The integer label of a value for the weighted vote: organ index, or 1 = yes / 0 = no.</summary>
    public static int Label(string aspect, string value) =>
        aspect == Organ ? IndexOf(VotableOrgans, value) : value == Yes ? 1 : value == No ? 0 : -1;

    public static string Value(string aspect, int label) => aspect == Organ ? VotableOrgans[label] : label == 1 ? Yes : No;

    public static bool IsValid(string aspect, string value) => All.Contains(aspect) && Label(aspect, value) >= 0;

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
            if (list[i] == value) return i;
        return -1;
    }
}
