using System.Diagnostics;
using System.Net;
using Florascope.Identification;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Florascope.Web.Home;

public sealed record ServiceStatus(string Status, string Model, int Taxa, IReadOnlyList<string> Projects, double UptimeSeconds, int Workers, int Admitted);

/// <summary>GET / (what the service is and how to call it) and GET /v2/_status (health).</summary>
public static class HomeApi
{
    private static readonly Stopwatch Uptime = Stopwatch.StartNew();

    public static IEndpointRouteBuilder MapHomeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", Home).ExcludeFromDescription();
        app.MapGet("/v2/_status", Status).WithTags("Status").WithSummary("Health of the service and the model it serves.");
        return app;
    }

    public static Ok<ServiceStatus> Status(IdentificationEngine engine, Identify.InferencePool pool) =>
        TypedResults.Ok(new ServiceStatus("ok", engine.Bundle.Manifest.Version, engine.Bundle.Checklist.Taxa.Count,
            engine.Bundle.Checklist.Projects, Math.Round(Uptime.Elapsed.TotalSeconds, 1), pool.Workers, pool.Admitted));

    /// <summary>The home page is the phone app, with what the service is and how to call its API at the bottom.</summary>
    public static async Task<ContentHttpResult> Home(HttpRequest request, IdentificationEngine engine, IWebHostEnvironment env, CancellationToken ct)
    {
        var app = await File.ReadAllTextAsync(Path.Combine(env.WebRootPath, "app.html"), ct);
        return TypedResults.Content(app.Replace("<!--developers-->", Developers(request, engine), StringComparison.Ordinal), "text/html; charset=utf-8");
    }

    private static string Developers(HttpRequest request, IdentificationEngine engine)
    {
        var m = engine.Bundle.Manifest;
        var baseUrl = WebUtility.HtmlEncode(Hosting.PublicUrls.BaseUrl(request));
        var v = m.Validation?.Identification;
        return $$"""
            <details class="developers"><summary>For developers: the identification API</summary>
            <p>Florascope is an open citizen observatory of plant biodiversity. This server names the plant in 1-5 photos with a
            ResNet18 network and calibrated heads, through an API compatible with the public Pl@ntNet API v2:
            existing clients work by changing only their base URL.</p>
            <p>Model <b>{{WebUtility.HtmlEncode(m.Version)}}</b>: {{engine.Bundle.Checklist.Taxa.Count}} taxa
            (demo flora of research data sets, not a general-purpose identifier){{(v is null ? "" : $"; validation top-1 {v.Top1:P1}, top-5 {v.Top5:P1}")}}.</p>
            <pre>curl -F images=@leaf.jpg -F organs=auto               "{{baseUrl}}/v2/identify/all?api-key=YOUR_KEY&amp;lang=en&amp;include-related-images=true"</pre>
            <p>Projects: {{string.Join(", ", engine.Bundle.Checklist.Projects.Select(p => $"<code>{WebUtility.HtmlEncode(p)}</code>"))}}.
            Organs: <code>leaf flower fruit bark habit other auto</code>. Up to 5 photos (JPEG or PNG), 50 MB per request.
            A key: <code>florascope apikey create --name my-app</code> (500 identifications a day by default).</p>
            <p><a href="/scalar/v1">Interactive API reference</a> &middot; <a href="/openapi/v1.json">OpenAPI document</a> &middot;
            <code>/v2/projects</code>, <code>/v2/species</code>, <code>/v2/languages</code>, <code>/v2/quota/daily</code>, <a href="/v2/_status">/v2/_status</a></p>
            </details>
            """;
    }
}
