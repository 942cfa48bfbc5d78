namespace Florascope.Data.Jobs;

/// <summary>
/// What the database says about a job: its last successful run's start, and the last failure since
/// (with its attempt number), if the last run that did anything failed.
/// </summary>
public sealed record JobState(DateTime? LastSuccessStartedUtc, DateTime? LastFailureFinishedUtc, int FailedAttempts)
{
    public static JobState Never { get; } = new(null, null, 0);

    /// <summary>The attempt number the next run will carry.</summary>
    public int NextAttempt => FailedAttempts + 1;
}

/// <summary>When a job is due: the pure rule every node applies to the same rows, so they agree.</summary>
public static class JobSchedule
{
    /// <summary>Waits before retrying after 1, 2 and 3+ consecutive failures (each capped by the period).</summary>
    public static IReadOnlyList<TimeSpan> Backoff { get; } = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15)];

    /// <summary>The wait before retry after <paramref name="failedAttempts"/> consecutive failures: bounded, and never longer than the period.</summary>
    public static TimeSpan RetryDelay(int failedAttempts, TimeSpan period)
    {
        if (failedAttempts < 1) throw new ArgumentOutOfRangeException(nameof(failedAttempts));
        var step = Backoff[Math.Min(failedAttempts, Backoff.Count) - 1];
        return step < period ? step : period;
    }

    /// <summary>
    /// When the job is next due: at once if it never succeeded nor failed; after a failure, its
    /// retry delay from that failure; else one period after the last success started (so runs keep
    /// their rhythm whatever they last).
    /// </summary>
    public static DateTime NextDueUtc(JobState state, TimeSpan period)
    {
        if (period <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(period));
        if (state.LastFailureFinishedUtc is { } failed) return failed + RetryDelay(state.FailedAttempts, period);
        if (state.LastSuccessStartedUtc is { } succeeded) return succeeded + period;
        return DateTime.MinValue;
    }

    public static bool IsDue(JobState state, TimeSpan period, DateTime nowUtc) => nowUtc >= NextDueUtc(state, period);
}
