using Florascope.Data.Jobs;

namespace Florascope.Tests.Jobs;

/// <summary>The pure rule every node applies to job_runs: when a job is due, and how failures are retried.</summary>
public sealed class JobScheduleTests
{
    private static readonly DateTime T = new(2026, 7, 1, 6, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void AJobThatNeverRanIsDueAtOnce()
    {
        Assert.Equal(DateTime.MinValue, JobSchedule.NextDueUtc(JobState.Never, Hour));
        Assert.True(JobSchedule.IsDue(JobState.Never, Hour, T));
        Assert.Equal(1, JobState.Never.NextAttempt);
    }

    [Fact]
    public void AfterASuccessTheJobIsDueOnePeriodAfterItStarted()
    {
        var state = new JobState(T, null, 0);
        Assert.Equal(T + Hour, JobSchedule.NextDueUtc(state, Hour));
        Assert.False(JobSchedule.IsDue(state, Hour, T + Hour - TimeSpan.FromSeconds(1)));
        Assert.True(JobSchedule.IsDue(state, Hour, T + Hour));
        Assert.Equal(1, state.NextAttempt);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 5)]
    [InlineData(3, 15)]
    [InlineData(4, 15)]
    [InlineData(50, 15)]
    public void FailuresAreRetriedAfterABoundedBackoff(int failedAttempts, int minutes)
    {
        var failedAt = T + TimeSpan.FromMinutes(3);
        var state = new JobState(T - Hour, failedAt, failedAttempts);
        Assert.Equal(failedAt + TimeSpan.FromMinutes(minutes), JobSchedule.NextDueUtc(state, Hour));
        Assert.Equal(failedAttempts + 1, state.NextAttempt);
    }

    [Fact]
    public void TheBackoffNeverExceedsThePeriod()
    {
        var period = TimeSpan.FromMinutes(2);
        Assert.Equal(TimeSpan.FromMinutes(1), JobSchedule.RetryDelay(1, period));
        Assert.Equal(period, JobSchedule.RetryDelay(2, period));
        Assert.Equal(period, JobSchedule.RetryDelay(9, period));
        // A job that never succeeded is retried after its failure like any other.
        Assert.Equal(T + TimeSpan.FromMinutes(1), JobSchedule.NextDueUtc(new JobState(null, T, 1), period));
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JobSchedule.RetryDelay(0, Hour));
        Assert.Throws<ArgumentOutOfRangeException>(() => JobSchedule.NextDueUtc(JobState.Never, TimeSpan.Zero));
    }

    [Theory]
    [InlineData(JobName.RevisionBatch, "revision-batch")]
    [InlineData(JobName.PhotoCollection, "photo-collection")]
    [InlineData(JobName.OpenDataExport, "open-data-export")]
    [InlineData(JobName.Housekeeping, "housekeeping")]
    public void JobNamesAreKebabCase(JobName job, string text)
    {
        Assert.Equal(text, JobText.Of(job));
        Assert.Equal(job, JobText.ParseJob(text));
        Assert.Equal(job, JobText.FromText(text));
    }

    [Theory]
    [InlineData("RevisionBatch")]
    [InlineData("Revision-Batch")]
    [InlineData("0")]
    [InlineData("")]
    [InlineData(null)]
    public void OnlyTheKebabNamesParse(string? text) => Assert.Null(JobText.ParseJob(text));

    [Fact]
    public void OutcomesAreKebabCase()
    {
        Assert.Equal("skipped-not-due", JobText.Of(JobOutcome.SkippedNotDue));
        Assert.Equal(JobOutcome.Failed, JobText.ParseOutcome("failed"));
        Assert.Throws<InvalidDataException>(() => JobText.ParseOutcome("Failed"));
    }
}
