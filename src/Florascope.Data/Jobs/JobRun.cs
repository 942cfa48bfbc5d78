namespace Florascope.Data.Jobs;

/// <summary>One run of a periodic job, recorded when it ends (table <c>job_runs</c>).</summary>
public sealed class JobRun
{
    public long Id { get; set; }
    public JobName Job { get; set; }
    /// <summary>The node that ran it (<c>Florascope:NodeName</c>).</summary>
    public string Node { get; set; } = "";
    public DateTime StartedUtc { get; set; }
    public DateTime FinishedUtc { get; set; }
    public JobOutcome Outcome { get; set; }
    /// <summary>Why it failed (the exception's type and message); null otherwise.</summary>
    public string? Error { get; set; }
    /// <summary>1 for a run after a success; n for the (n-1)th retry after consecutive failures.</summary>
    public int Attempt { get; set; }
}
