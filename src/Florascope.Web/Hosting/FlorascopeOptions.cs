namespace Florascope.Web.Hosting;

/// <summary>The server's settings, bound from the "Florascope" configuration section.</summary>
public sealed class FlorascopeOptions
{
    public const string Section = "Florascope";

    /// <summary>Database file, media cache. Empty: <c>~/.local/share/florascope</c>.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c> (with <c>ConnectionStrings:Florascope</c>).</summary>
    public string Database { get; set; } = "sqlite";

    /// <summary>Model bundle folder. Empty: the shipped <c>models/demo</c>.</summary>
    public string ModelDirectory { get; set; } = "";

    /// <summary>Root of the reference photos' paths. Empty: the repository's <c>data/</c>.</summary>
    public string ImageDirectory { get; set; } = "";

    /// <summary>Largest accepted request body (identify), in bytes.</summary>
    public long MaxRequestBytes { get; set; } = 50L * 1024 * 1024;

    public InferenceOptions Inference { get; set; } = new();

    /// <summary>
    /// Serve the synthetic observations of `florascope seed` instead of the real ones (benchmark
    /// databases only; the two never mix).
    /// </summary>
    public bool ShowSyntheticData { get; set; }

    /// <summary>Identifications a day per network address in the web app without an account.</summary>
    public int AnonymousDailyIdentifications { get; set; } = 50;

    /// <summary>The weighted vote's parameters (Florascope.Revision.AggregationSettings) and the batch schedule.</summary>
    public RevisionOptions Revision { get; set; } = new();

    public ModelOptions Models { get; set; } = new();
}

public sealed class RevisionOptions
{
    public double Alpha { get; set; } = 0.5;
    public double Beta { get; set; } = 0.2;
    public double Gamma { get; set; } = Math.Log(2.1);
    public double ThetaAccuracy { get; set; } = 0.7;
    public double ThetaConfidence { get; set; } = 2.0;
    public double AiWeight { get; set; } = 1.7;
    public double AiMinScore { get; set; } = 0.7;
    public double Tolerance { get; set; }
    public int MinRounds { get; set; } = 1;
    public int MaxRounds { get; set; } = 100;

    /// <summary>Minutes between two runs of the whole iteration; 0 turns the schedule off.</summary>
    public double BatchIntervalMinutes { get; set; } = 60;

    public Florascope.Revision.AggregationSettings ToSettings() => new()
    {
        Alpha = Alpha, Beta = Beta, Gamma = Gamma, ThetaAccuracy = ThetaAccuracy, ThetaConfidence = ThetaConfidence,
        AiWeight = AiWeight, AiMinScore = AiMinScore, Tolerance = Tolerance, MinRounds = MinRounds, MaxRounds = MaxRounds,
    };
}

public sealed class ModelOptions
{
    /// <summary>How often a server checks the database for a newly promoted model, in seconds.</summary>
    public double PollSeconds { get; set; } = 10;
}

public sealed class InferenceOptions
{
    /// <summary>Network runs at once. 0: one per core.</summary>
    public int Workers { get; set; }

    /// <summary>ONNX Runtime threads inside one run. 0: cores / workers.</summary>
    public int ThreadsPerWorker { get; set; }

    /// <summary>Requests allowed to wait for a worker; beyond it the answer is 503 with Retry-After.</summary>
    public int QueueLimit { get; set; } = 32;

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;

    public int EffectiveThreads => ThreadsPerWorker > 0 ? ThreadsPerWorker : Math.Max(1, Environment.ProcessorCount / EffectiveWorkers);
}
