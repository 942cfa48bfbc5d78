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

    public static ContentHttpResult Home(HttpRequest request, IdentificationEngine engine)
    {
        var m = engine.Bundle.Manifest;
        var baseUrl = WebUtility.HtmlEncode($"{request.Scheme}://{request.Host}");
        var v = m.Validation?.Identification;
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Florascope identification service</title>
            <style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem;line-height:1.5}
            pre{background:#f3f5f0;padding:.8rem;overflow-x:auto}code{background:#f3f5f0}h1{color:#2f6b2f}</style></head>
            <body>
            <h1>Florascope</h1>
            <p><a href="/app"><b>Open the app</b></a>: name a plant from your phone's photos, keep it as an observation, see the <a href="/map">map</a>.</p>
            <p>An open citizen observatory of plant biodiversity. This server names the plant in 1-5 photos with a
            ResNet18 network and calibrated heads, through an API compatible with the public Pl@ntNet API v2:
            existing clients work by changing only their base URL.</p>
            <p>Model <b>{{WebUtility.HtmlEncode(m.Version)}}</b>: {{engine.Bundle.Checklist.Taxa.Count}} taxa
            (demo flora of research data sets, not a general-purpose identifier){{(v is null ? "" : $"; validation top-1 {v.Top1:P1}, top-5 {v.Top5:P1}")}}.</p>
            <h2>Identify</h2>
            <pre>curl -F images=@leaf.jpg -F organs=auto \
              "{{baseUrl}}/v2/identify/all?api-key=YOUR_KEY&amp;lang=en&amp;include-related-images=true"</pre>
            <p>Projects: {{string.Join(", ", engine.Bundle.Checklist.Projects.Select(p => $"<code>{WebUtility.HtmlEncode(p)}</code>"))}}.
            Organs: <code>leaf flower fruit bark habit other auto</code>. Up to 5 photos (JPEG or PNG), 50 MB per request.</p>
            <p>An API key comes from the operator: <code>florascope apikey create --name my-app</code> (500 identifications a day by default).</p>
            <h2>Reference</h2>
            <ul>
            <li><a href="/scalar/v1">Interactive API reference</a> &middot; <a href="/openapi/v1.json">OpenAPI document</a></li>
            <li><code>GET /v2/projects</code>, <code>/v2/projects/{project}/species</code>, <code>/v2/species</code>, <code>/v2/languages</code></li>
            <li><code>GET /v2/quota/daily</code>, <code>/v2/quota/history</code>, <a href="/v2/_status">/v2/_status</a></li>
            </ul>
            </body></html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }
}
