namespace Florascope.Data.Jobs;

/// <summary>The periodic jobs of the observatory; each runs on one node at a time, once per period across nodes.</summary>
public enum JobName
{
    /// <summary>The community revision's whole weighted-vote iteration, then the public positions.</summary>
    RevisionBatch,
    /// <summary>Removes stored photos no row references.</summary>
    PhotoCollection,
    /// <summary>Rebuilds the public Darwin Core Archive.</summary>
    OpenDataExport,
    /// <summary>Deletes counter windows, sessions and address counts too old to matter.</summary>
    Housekeeping,
    /// <summary>The current model's baseline run for each open challenge it has none for (when it never saw their test photos).</summary>
    ChallengeBaselines,
}

/// <summary>What happened to one run of a job.</summary>
public enum JobOutcome
{
    Succeeded,
    Failed,
    /// <summary>The node took the lock but another node had run the job meanwhile.</summary>
    SkippedNotDue,
}

/// <summary>Job names and outcomes as they are stored and travel in URLs and JSON: kebab-case (e.g. <c>revision-batch</c>).</summary>
public static class JobText
{
    public static IReadOnlyList<JobName> All { get; } = Enum.GetValues<JobName>();

    public static string Of(JobName job) => Kebab(job.ToString());

    public static string Of(JobOutcome outcome) => Kebab(outcome.ToString());

    /// <summary>Exactly one of the kebab-case names; null otherwise (never numbers or other spellings).</summary>
    public static JobName? ParseJob(string? text) => All.Cast<JobName?>().FirstOrDefault(j => Of(j!.Value) == text);

    /// <summary>A stored outcome back (the column's conversion); anything else is a corrupt row.</summary>
    public static JobOutcome ParseOutcome(string text) =>
        Enum.GetValues<JobOutcome>().Cast<JobOutcome?>().FirstOrDefault(o => Of(o!.Value) == text)
        ?? throw new InvalidDataException($"'{text}' is not a job outcome.");

    /// <summary>A stored job name back (the column's conversion).</summary>
    public static JobName FromText(string text) => ParseJob(text) ?? throw new InvalidDataException($"'{text}' is not a job name.");

    private static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
