using System.Net;
using Florascope.Web.Identify;
using Prometheus;

namespace Florascope.Web.Hosting;

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

    /// <summary>After routing, so that each request is counted under its route template.</summary>
    public static void UseServerMetrics(this WebApplication app)
    {
        var pool = app.Services.GetRequiredService<InferencePool>();
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            InferenceAdmitted.Set(pool.Admitted);
            InferenceWorkers.Set(pool.Workers);
        });
        app.UseHttpMetrics();
    }

    public static void MapServerMetrics(this IEndpointRouteBuilder app) =>
        app.MapMetrics(Path).AddEndpointFilter(async (context, next) =>
            context.HttpContext.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)
                ? await next(context)
                : TypedResults.NotFound()).ExcludeFromDescription();
}
