using Florascope.Survey;

namespace Florascope.Web.Survey;

/// <summary>Surveys on this node (<c>Florascope:Survey</c>).</summary>
public sealed class SurveyOptions
{
    public const string Section = "Florascope:Survey";

    /// <summary>
    /// Surveys running at once on this node; more are refused (503) once their body is received, before any decoding. A survey holds its photo
    /// (up to the body limit) and its decoded pixels between chunks, so this bounds that memory. 0: half the workers, at least 1.
    /// </summary>
    public int MaxConcurrent { get; set; }

    public int EffectiveMaxConcurrent(int workers) => MaxConcurrent > 0 ? MaxConcurrent : Math.Max(1, workers / 2);
}

/// <summary>The per-node survey slots (<see cref="SurveyOptions.MaxConcurrent"/>): taken at once or refused, never queued.</summary>
public sealed class SurveyLimiter(int max)
{
    private readonly SemaphoreSlim _slots = new(max, max);

    public int Max { get; } = max;

    /// <summary>Surveys running now.</summary>
    public int Running => Max - _slots.CurrentCount;

    /// <summary>A slot (dispose to free it), or null when all are taken.</summary>
    public IDisposable? TryEnter() => _slots.Wait(0) ? new Slot(_slots) : null;

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}

public static class SurveyServices
{
    public static IServiceCollection AddSurveys(this IServiceCollection services, IConfiguration configuration, int workers)
    {
        var section = configuration.GetSection(SurveyOptions.Section);
        services.Configure<SurveyOptions>(section);
        var options = section.Get<SurveyOptions>() ?? new SurveyOptions();
        if (options.MaxConcurrent < 0) throw new InvalidOperationException($"{SurveyOptions.Section}:MaxConcurrent must be 0 (half the workers) or more.");
        services.AddSingleton(new SurveyLimiter(options.EffectiveMaxConcurrent(workers)));
        return services;
    }
}
