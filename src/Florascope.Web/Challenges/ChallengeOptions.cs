namespace Florascope.Web.Challenges;

/// <summary>Settings of hosted challenges (<c>Florascope:Challenges</c>).</summary>
public sealed class ChallengeOptions
{
    public const string Section = "Florascope:Challenges";

    /// <summary>
    /// The folder under which the admin pages may read training and test folders to create a challenge (empty: the
    /// admin pages cannot create from folders; the CLI can from anywhere it can read).
    /// </summary>
    public string SourceRoot { get; set; } = "";

    /// <summary>Largest run upload as sent (gzip or not): above the general request limit, for 100,000 x 30 predictions (~70 MB).</summary>
    public long MaxRunUploadBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Largest run as text once decompressed (a gzip bomb stops there).</summary>
    public long MaxRunTextBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Seconds between the scorer's looks for queued runs (it is also woken at once by an upload on its node).</summary>
    public double ScoringPollSeconds { get; set; } = 5;

    /// <summary>Whether the current model submits a baseline run to each open challenge.</summary>
    public bool Baseline { get; set; } = true;

    /// <summary>Minutes between two passes of the baseline job (<c>challenge-baselines</c>); 0 turns it off.</summary>
    public double BaselineMinutes { get; set; } = 5;

    /// <summary>Run uploads being received at once on this node, all teams together (more: 503 with Retry-After).</summary>
    public int MaxRunUploadsInFlight { get; set; } = 16;

    /// <summary>Run uploads of one team being received at once on this node (more: 429 with Retry-After).</summary>
    public int MaxRunUploadsPerTeam { get; set; } = 2;
}
