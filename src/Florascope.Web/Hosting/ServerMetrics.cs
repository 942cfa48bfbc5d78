using System.Diagnostics;
using System.Net;
using Florascope.Web.Identify;
using Prometheus;

namespace Florascope.Web.Hosting;

/// <summary>The limits that refuse a request with 429 or 503 (the <c>kind</c> of <c>florascope_quota_refusals_total</c>).</summary>
public enum LimitKind
{
    /// <summary>An api-key's daily identifications (/v2/identify, 429).</summary>
    ApiKeyDaily,
    /// <summary>The web app's daily identifications without an account, per address (429).</summary>
    AnonymousDaily,
    /// <summary>The web app's daily identifications of an account (429).</summary>
    SignedInDaily,
    /// <summary>Concurrent requests per address on the expensive endpoints (429).</summary>
    RequestsPerAddress,
    /// <summary>Bodies arriving at once from one address (429).</summary>
    UploadsPerAddress,
    /// <summary>Bodies arriving at once, all clients together (503).</summary>
    UploadsInFlight,
    /// <summary>Inference workers and queue all taken (503).</summary>
    InferenceSaturated,
    /// <summary>Sign-in failures per account, login or address (429).</summary>
    SignInsThrottled,
    /// <summary>Sign-ups per address and day (429).</summary>
    SignUpsThrottled,
    /// <summary>The surveys this node runs at once all running (Florascope:Survey:MaxConcurrent, 503).</summary>
    SurveysBusy,
}

/// <summary>
/// Prometheus metrics (prometheus-net): request rate and latency histograms per route, and the
/// inference pool's load, at <c>/metrics</c>. Answered only to loopback callers (a scraper beside
/// the node, or nginx forwarding from it); anyone else gets 404, so no figure leaks to the internet.
/// </summary>
public static class ServerMetrics
{
    public const string Path = "/metrics";

    private static readonly Gauge InferenceAdmitted = Metrics.CreateGauge("florascope_inference_admitted",
        "Identification requests admitted to the inference pool (running or waiting).");

    private static readonly Gauge InferenceWorkers = Metrics.CreateGauge("florascope_inference_workers",
        "Inference workers of this node.");

    private static readonly Gauge InferenceWaiting = Metrics.CreateGauge("florascope_inference_waiting",
        "Admitted requests waiting for an inference worker now (the queue length).");

    // From 5 ms to about 40 s: a worker is free at once, or a queue of whole inferences is ahead.
    private static readonly Histogram InferenceWait = Metrics.CreateHistogram("florascope_inference_wait_seconds",
        "Time an admitted request waited for an inference worker.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });

    private static readonly Counter QuotaRefusals = Metrics.CreateCounter("florascope_quota_refusals_total",
        "Requests refused by a quota or limit (429 or 503), by the limit that refused them.",
        new CounterConfiguration { LabelNames = ["kind"] });

    static ServerMetrics()
    {
        // Every kind is published from the start (at 0), so a rate over it exists before the first refusal.
        foreach (var kind in Enum.GetValues<LimitKind>()) QuotaRefusals.WithLabels(Label(kind));
    }

    /// <summary>Counts a request refused by a limit; called where the refusal is decided.</summary>
    public static void Refused(LimitKind kind) => QuotaRefusals.WithLabels(Label(kind)).Inc();

    /// <summary>Records the wait of an admitted request for its inference worker, from <see cref="Stopwatch.GetTimestamp"/> at its start.</summary>
    public static void InferenceWaited(long startTimestamp) => InferenceWait.Observe(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);

    /// <summary>The label of a limit kind: api-key-daily, anonymous-daily, signed-in-daily, requests-per-address, uploads-per-address, uploads-in-flight, inference-saturated, sign-ins-throttled, sign-ups-throttled, surveys-busy.</summary>
    public static string Label(LimitKind kind) => kind switch
    {
        LimitKind.ApiKeyDaily => "api-key-daily",
        LimitKind.AnonymousDaily => "anonymous-daily",
        LimitKind.SignedInDaily => "signed-in-daily",
        LimitKind.RequestsPerAddress => "requests-per-address",
        LimitKind.UploadsPerAddress => "uploads-per-address",
        LimitKind.UploadsInFlight => "uploads-in-flight",
        LimitKind.InferenceSaturated => "inference-saturated",
        LimitKind.SignInsThrottled => "sign-ins-throttled",
        LimitKind.SignUpsThrottled => "sign-ups-throttled",
        LimitKind.SurveysBusy => "surveys-busy",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>After routing, so that each request is counted under its route template.</summary>
    public static void UseServerMetrics(this WebApplication app)
    {
        var pool = app.Services.GetRequiredService<InferencePool>();
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            InferenceAdmitted.Set(pool.Admitted);
            InferenceWorkers.Set(pool.Workers);
            InferenceWaiting.Set(pool.Waiting);
        });
        app.UseHttpMetrics();
    }

    public static void MapServerMetrics(this IEndpointRouteBuilder app) =>
        app.MapMetrics(Path).AddEndpointFilter(async (context, next) =>
            context.HttpContext.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
                ? await next(context)
                : TypedResults.NotFound()).ExcludeFromDescription();
}
