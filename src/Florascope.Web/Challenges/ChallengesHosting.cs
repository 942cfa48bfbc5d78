using Florascope.Data.Challenges;
using Florascope.Data.Storage;
using Florascope.Web.Hosting;

namespace Florascope.Web.Challenges;

public static class ChallengesHosting
{
    /// <summary>The challenge file store, the low-priority CPU thread that checks and scores runs, and the options.</summary>
    public static IServiceCollection AddFlorascopeChallenges(this IServiceCollection services, IConfiguration configuration, StorageSettings storage, string dataDirectory)
    {
        services.Configure<ChallengeOptions>(configuration.GetSection(ChallengeOptions.Section));
        services.AddSingleton(new ChallengeFileStore(storage.CreateChallengeStore(dataDirectory)));
        services.AddSingleton<BackgroundCpu>();
        services.AddSingleton<ChallengeTruths>();
        services.AddSingleton<RunUploadSlots>();
        var temp = RunUpload.TempDirectory(dataDirectory);
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RunScorer>(sp, temp));
        // Before the scorer: the temporary files a stopped server left behind go (a run's temp file is deleted on close,
        // but not when the process is killed).
        services.AddHostedService(sp => new RunTempSweep(temp, sp.GetRequiredService<ILogger<RunTempSweep>>()));
        services.AddHostedService(sp => sp.GetRequiredService<RunScorer>());
        return services;
    }
}

/// <summary>Sweeps the run uploads' temporary folder once at start-up (files older than <see cref="RunUpload.TempFileMaxAge"/>).</summary>
public sealed class RunTempSweep(string directory, ILogger<RunTempSweep> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The file system's times: compared with the system clock, not the observatory's TimeProvider.
        var swept = RunUpload.SweepTemp(directory, DateTime.UtcNow - RunUpload.TempFileMaxAge);
        if (swept > 0) log.LogInformation("Deleted {Count} temporary run files left from an earlier start.", swept);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
