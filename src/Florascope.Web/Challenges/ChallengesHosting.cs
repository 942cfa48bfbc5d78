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
        services.AddSingleton<RunScorer>();
        services.AddHostedService(sp => sp.GetRequiredService<RunScorer>());
        return services;
    }
}
