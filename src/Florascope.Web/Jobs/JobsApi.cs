using Florascope.Data;
using Florascope.Data.Jobs;
using Florascope.Identification;
using Florascope.Messages;
using Florascope.Web.Accounts;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Florascope.Web.Jobs;

public sealed record JobRunInfo(string Node, DateTime StartedUtc, DateTime FinishedUtc, double DurationSeconds, string Outcome, string? Error, int Attempt);

/// <summary>One job on the dashboard: <see cref="PeriodSeconds"/> and <see cref="NextDueUtc"/> are null when it is off.</summary>
public sealed record JobInfo(string Name, double? PeriodSeconds, JobRunInfo? LastRun, DateTime? NextDueUtc, IReadOnlyList<JobRunInfo> Runs);

public sealed record JobsDashboard(string Node, DateTime NowUtc, IReadOnlyList<JobInfo> Jobs);

public sealed record JobStarted(string Job, string Node);

/// <summary>The periodic jobs' dashboard and the run-now route (administrators).</summary>
public static class JobsApi
{
    /// <summary>Runs per job on the dashboard.</summary>
    public const int RecentRuns = 20;

    public static RouteGroupBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/admin/jobs").WithTags("Administration").RequireAuthorization(SessionCookie.AdminPolicy).WithDomainErrors();
        g.MapGet("/", Dashboard).WithSummary("The periodic jobs: period, last run, next due time and recent runs across all nodes (admins).");
        g.MapPost("/{job}/run", RunNow).DisableAntiforgery()
            .WithSummary("Run a job now on this node, still once across nodes (admins; anti-forgery token in the header): 202, or 409 while a run holds it.");
        return g;
    }

    public static async Task<Ok<JobsDashboard>> Dashboard(JobRunner runner, FlorascopeDb db, TimeProvider clock, CancellationToken ct)
    {
        var jobs = new List<JobInfo>();
        foreach (var job in runner.Jobs)
        {
            var runs = await JobRunStore.RecentAsync(db, job.Name, RecentRuns, ct);
            var state = await JobRunStore.StateAsync(db, job.Name, ct);
            var last = runs.FirstOrDefault(r => r.Outcome != JobOutcome.SkippedNotDue) ?? runs.FirstOrDefault();
            DateTime? due = job.Period is { } p ? JobSchedule.NextDueUtc(state, p) : null;
            jobs.Add(new JobInfo(JobText.Of(job.Name), job.Period?.TotalSeconds, last is null ? null : Info(last),
                due == DateTime.MinValue ? clock.GetUtcNow().UtcDateTime : due, [.. runs.Select(Info)]));
        }
        return TypedResults.Ok(new JobsDashboard(runner.NodeName, clock.GetUtcNow().UtcDateTime, jobs));
    }

    public static async Task<Results<Accepted<JobStarted>, JsonHttpResult<ApiError>>> RunNow(string job, HttpContext context, IAntiforgery antiforgery,
        JobRunner runner, CancellationToken ct)
    {
        if (!await antiforgery.IsRequestValidAsync(context)) return Forms.Forbidden();
        if (JobText.ParseJob(job) is not { } name || runner.Find(name) is not { } found)
            return ApiErrors.Error(StatusCodes.Status404NotFound, MessageText.Of("server.jobs.unknown", "No job '{job}': use one of {jobs}.",
                ("job", job), ("jobs", string.Join(", ", runner.Jobs.Select(j => JobText.Of(j.Name))))));
        return await runner.TryStartNowAsync(found, ct) == JobStart.Started
            ? TypedResults.Accepted("/api/admin/jobs", new JobStarted(JobText.Of(name), runner.NodeName))
            : ApiErrors.Error(StatusCodes.Status409Conflict, MessageText.Of("server.jobs.running", "The job '{job}' is running now; its run is recorded when it ends.", ("job", job)));
    }

    private static JobRunInfo Info(JobRun r) =>
        new(r.Node, r.StartedUtc, r.FinishedUtc, Math.Max(0, (r.FinishedUtc - r.StartedUtc).TotalSeconds), JobText.Of(r.Outcome), r.Error, r.Attempt);
}
