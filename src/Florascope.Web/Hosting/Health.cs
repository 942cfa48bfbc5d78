using System.Text.Json;
using Florascope.Data;
using Florascope.Data.Observations;
using Florascope.Web.Models;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Florascope.Web.Hosting;

/// <summary>
/// ASP.NET Core health checks for a load balancer or an orchestrator: <c>/health/live</c> (the
/// process answers; no dependency is asked, so a slow database never gets a node restarted) and
/// <c>/health/ready</c> (the database answers, a model is loaded, the photo store answers), 200 or 503
/// with a small JSON body naming each check.
/// </summary>
public static class Health
{
    public const string Ready = "ready";

    public static IServiceCollection AddFlorascopeHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddDbContextCheck<FlorascopeDb>("database", tags: [Ready])
            .AddCheck<ModelLoadedCheck>("model", tags: [Ready])
            .AddCheck<PhotoStoreCheck>("photos", tags: [Ready], timeout: TimeSpan.FromSeconds(3));
        return services;
    }

    public static void MapFlorascopeHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync }).ExcludeFromDescription();
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        // Names and states only: no exception text (it could name hosts or paths) reaches the client.
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString() }),
        }));
    }

    private sealed class ModelLoadedCheck(ModelHost models) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(string.IsNullOrEmpty(models.Version) ? HealthCheckResult.Unhealthy() : HealthCheckResult.Healthy(models.Version));
    }

    /// <summary>The photo store answers: its folder (or the data directory before the first photo), or the S3 bucket.</summary>
    private sealed class PhotoStoreCheck(PhotoStore photos) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await photos.Objects.IsAvailableAsync(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy();
    }
}
