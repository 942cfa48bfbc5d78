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

    /// <summary>Identifications a day per network address in the web app without an account.</summary>
    public int AnonymousDailyIdentifications { get; set; } = 50;

    /// <summary>Identifications a day per account in the web app, signed in.</summary>
    public int SignedInDailyIdentifications { get; set; } = 500;

    /// <summary>Slow clients and admission: per-address concurrency, body intake (Hosting/ClientLimits).</summary>
    public ClientLimitOptions Clients { get; set; } = new();

    /// <summary>The revision batch's schedule; the section also holds the weighted vote's parameters.</summary>
    public RevisionOptions Revision { get; set; } = new();

    public ModelOptions Models { get; set; } = new();

    /// <summary>Sign-in throttling: failures per account and per address in a window (docs/security.md).</summary>
    public Florascope.Data.Security.SignInLimits SignIn { get; set; } = new();

    /// <summary>
    /// The absolute URL clients reach this server at (e.g. <c>https://florascope.example.org</c>):
    /// the base of every absolute URL the server writes (related images, the home page, the OpenAPI
    /// document). Empty: the request's own scheme and Host, for development; set it in production,
    /// with <c>AllowedHosts</c>, so that no client-chosen Host header is ever written back.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    public ProxyOptions Proxies { get; set; } = new();

    /// <summary>The public Darwin Core Archive: rebuild period and dataset metadata.</summary>
    public OpenData.OpenDataOptions OpenData { get; set; } = new();

    /// <summary>This node's name in the jobs' record (job_runs). Empty: the machine's name and the process id.</summary>
    public string NodeName { get; set; } = "";

    /// <summary>The periodic jobs run once per period across nodes (Jobs/JobRunner).</summary>
    public Jobs.JobsOptions Jobs { get; set; } = new();
}

/// <summary>
/// The batch schedule. The weighted vote's own parameters (Alpha, Beta, Gamma, ThetaAccuracy,
/// ThetaConfidence, AiWeight, AiMinScore, Tolerance, MinRounds, MaxRounds) are read from the same
/// section straight into <see cref="Florascope.Revision.AggregationSettings"/>.
/// </summary>
public sealed class RevisionOptions
{
    /// <summary>Minutes between two runs of the whole iteration; 0 turns the schedule off.</summary>
    public double BatchIntervalMinutes { get; set; } = 60;
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

/// <summary>The reverse proxies whose X-Forwarded-For, -Proto and -Host headers are believed.</summary>
public sealed class ProxyOptions
{
    /// <summary>Proxy addresses (e.g. <c>10.0.0.5</c>). Empty with no networks: forwarded headers are ignored from everyone, loopback included.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation (e.g. <c>10.0.0.0/24</c>).</summary>
    public string[] KnownNetworks { get; set; } = [];
}
