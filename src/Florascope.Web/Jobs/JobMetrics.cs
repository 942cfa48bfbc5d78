using Florascope.Data.Jobs;
using Prometheus;

namespace Florascope.Web.Jobs;

/// <summary>The jobs' Prometheus metrics (served at /metrics with the others): runs by outcome, and how long they took.</summary>
public static class JobMetrics
{
    private static readonly Counter Runs = Metrics.CreateCounter("florascope_job_runs_total",
        "Runs of the periodic jobs on this node, by outcome (succeeded, failed, skipped-not-due).", "job", "outcome");

    private static readonly Histogram Duration = Metrics.CreateHistogram("florascope_job_duration_seconds",
        "How long the periodic jobs' runs on this node took.",
        new HistogramConfiguration { LabelNames = ["job"], Buckets = Histogram.ExponentialBuckets(0.01, 4, 10) });

    public static void Record(JobName job, JobOutcome outcome, TimeSpan elapsed)
    {
        Runs.WithLabels(JobText.Of(job), JobText.Of(outcome)).Inc();
        if (outcome != JobOutcome.SkippedNotDue) Duration.WithLabels(JobText.Of(job)).Observe(elapsed.TotalSeconds);
    }
}
