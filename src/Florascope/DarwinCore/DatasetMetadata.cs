namespace Florascope.DarwinCore;

/// <summary>What eml.xml says of the dataset; the coverage is computed from the data.</summary>
public sealed record DatasetMetadata
{
    public string Title { get; init; } = "Florascope observations";
    public string Abstract { get; init; } = "Plant observations made with Florascope: photos identified by a model and revised by the community's weighted vote. Positions are public positions (obscured for threatened taxa or by the observer's choice).";
    public string CreatorName { get; init; } = "Florascope";
    /// <summary>The contact's e-mail address; left out when empty.</summary>
    public string ContactEmail { get; init; } = "";
    /// <summary>How to cite the dataset; null: "{CreatorName} ({year}). {Title}. Darwin Core Archive, {url}".</summary>
    public string? Citation { get; init; }
    public string Language { get; init; } = "en";
}

/// <summary>The extent of the data: event dates and the bounding box of the public positions (null when none).</summary>
public sealed record DatasetCoverage(DateTimeOffset? FirstEvent, DateTimeOffset? LastEvent, double? West, double? East, double? South, double? North)
{
    public static DatasetCoverage Empty { get; } = new(null, null, null, null, null, null);

    public DatasetCoverage WithEvent(DateTimeOffset when) =>
        this with { FirstEvent = FirstEvent is { } f && f <= when ? f : when, LastEvent = LastEvent is { } l && l >= when ? l : when };

    public DatasetCoverage WithPosition(double latitude, double longitude) => this with
    {
        West = Math.Min(West ?? longitude, longitude),
        East = Math.Max(East ?? longitude, longitude),
        South = Math.Min(South ?? latitude, latitude),
        North = Math.Max(North ?? latitude, latitude),
    };
}
