using Florascope.Data.Jobs;
namespace Florascope.Web.Jobs;

/// <summary><c>Florascope:Jobs</c>: the periods of the jobs that have no section of their own, and how often nodes look.</summary>
public sealed class JobsOptions
{
    /// <summary>Minutes between two photo collections; 0 turns the job off.</summary>
    public double PhotoCollectionMinutes { get; set; } = 60;

    /// <summary>Minutes between two housekeeping passes; 0 turns the job off.</summary>
    public double HousekeepingMinutes { get; set; } = 60;

    /// <summary>
    /// How often, at most, a node reads the jobs' runs to see whether one is due (another node may have
    /// run it, or failed it, meanwhile). Short enough that a due job waits little, long enough to cost nothing.
    /// </summary>
    public double PollSeconds { get; set; } = 30;

    /// <summary>A malformed setting stops the server at start, never a failing job later.</summary>
    public void Validate()
    {
        foreach (var (name, minutes) in new[] { ("PhotoCollectionMinutes", PhotoCollectionMinutes), ("HousekeepingMinutes", HousekeepingMinutes) })
            if (!double.IsFinite(minutes) || minutes < 0 || minutes > MaxMinutes)
                throw new ArgumentException($"Florascope:Jobs:{name} must be between 0 (off) and {MaxMinutes} minutes.");
        if (!double.IsFinite(PollSeconds) || PollSeconds < 0.05 || PollSeconds > 3600)
            throw new ArgumentException("Florascope:Jobs:PollSeconds must be between 0.05 and 3600 seconds.");
    }

    /// <summary>A week: longer periods gain nothing and a timer's limit is ~49 days.</summary>
    public const double MaxMinutes = 7 * 24 * 60;

    /// <summary>A period in minutes as a span; null when the job is off (0 or less).</summary>
    public static TimeSpan? Period(double minutes) => minutes > 0 ? TimeSpan.FromMinutes(minutes) : null;
}

/// <summary>
/// One periodic job: its name, its period (null: off on this deployment) and its work. The runner
/// decides when and where it runs; the work only does it, throwing on failure.
/// </summary>
public interface IJob
{
    JobName Name { get; }

    TimeSpan? Period { get; }

    Task RunAsync(CancellationToken ct);
}

public static class JobsHosting
{
    /// <summary>The runner of the <see cref="IJob"/>s registered beside it, and its lock.</summary>
    public static IServiceCollection AddFlorascopeJobs(this IServiceCollection services, Hosting.FlorascopeOptions options)
    {
        options.Jobs.Validate();
        services.AddSingleton<JobLock>();
        services.AddSingleton<JobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
        return services;
    }
}
