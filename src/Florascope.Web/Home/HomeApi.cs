using System.Diagnostics;
using System.Globalization;
using System.Net;
using Florascope.Data.ApiKeys;
using Florascope.Data.Observations;
using Florascope.Data.Privacy;
using Florascope.Identification;
using Florascope.Web.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Home;

/// <summary>
/// The limits the server enforces, from its settings, for the pages and clients to state (never
/// written by hand): photos per identification, request body size, a new api-key's daily quota,
/// and the web app's identifications a day per address without an account.
/// </summary>
public sealed record PublicLimits(int MaxImagesPerRequest, long MaxRequestBytes, string MaxRequestSize, int DefaultApiKeyDailyQuota,
    int AnonymousDailyIdentifications, int SignedInDailyIdentifications, int ConcurrentRequestsPerAddress, double MinBodyBytesPerSecond,
    double BodySeconds, int MinPasswordLength, int MaxNotesLength, double ObscuredCellDegrees, int ObscuredCellKilometres,
    int SignUpsPerAddressPerDay, int BodiesPerAddress)
{
    /// <summary>Surveys this node runs at once (<c>Florascope:Survey:MaxConcurrent</c>, or half the workers).</summary>
    public int SurveysAtOncePerNode { get; init; }

    /// <summary>The most windows one survey may make.</summary>
    public int MaxSurveyWindows { get; init; } = Florascope.Survey.TilingSettings.MaxTiles;

    /// <summary>A survey costs one unit per this many windows started.</summary>
    public int SurveyWindowsPerUnit { get; init; } = Florascope.Survey.SurveyCost.TilesPerUnit;

    public static PublicLimits From(FlorascopeOptions options) =>
        new(IdentifyRequest.MaxImages, options.MaxRequestBytes, Size(options.MaxRequestBytes), ApiKeyStore.DefaultDailyQuota,
            options.AnonymousDailyIdentifications, options.SignedInDailyIdentifications, options.Clients.ConcurrentRequestsPerAddress,
            options.Clients.MinBodyBytesPerSecond, options.Clients.BodySeconds, Accounts.AccountsApi.MinPassword, ObservationWriter.MaxNotes,
            PublicPosition.CellDegrees, (int)Math.Round(PublicPosition.CellDegrees * PublicPosition.MetresPerDegree / 1000),
            options.SignIn.SignUpsPerAddressPerDay, options.Clients.BodiesPerAddress);

    /// <summary>A byte count as people read it: "50 MB", "1.5 MB", "900 KB" (binary units, as the setting is counted).</summary>
    public static string Size(long bytes) => bytes >= 1024 * 1024
        ? $"{Math.Round(bytes / 1048576.0, 1).ToString(CultureInfo.InvariantCulture)} MB"
        : $"{Math.Round(bytes / 1024.0, 1).ToString(CultureInfo.InvariantCulture)} KB";
}

/// <summary>The health answer; <see cref="Source"/> (the model's data set and how to cite it: a GBIF download's DOI) only when the model has one.</summary>
public sealed record ServiceStatus(string Status, string Model, int Taxa, IReadOnlyList<string> Projects, double UptimeSeconds, int Workers, int Admitted,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] Florascope.Bundles.DataSource? Source = null);

/// <summary>GET / (what the service is and how to call it) and GET /v2/_status (health).</summary>
public static class HomeApi
{
    private static readonly Stopwatch Uptime = Stopwatch.StartNew();

    public static IEndpointRouteBuilder MapHomeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", Home).ExcludeFromDescription().WithMetadata(new Assets.AppShellPage("app"));
        app.MapGet("/v2/_status", Status).WithTags("Status").WithSummary("Health of the service and the model it serves.");
        // Browsers ask /favicon.ico on every page load: the app's icon answers, so no page logs a 404.
        app.MapGet("/favicon.ico", () => TypedResults.Redirect("/icon.svg", permanent: true)).ExcludeFromDescription();
        app.MapGet("/api/limits", Limits).WithTags("Status").WithSummary("The limits this server enforces, from its settings.");
        return app;
    }

    public static Ok<ServiceStatus> Status(IdentificationEngine engine, Identify.InferencePool pool) =>
        TypedResults.Ok(new ServiceStatus("ok", engine.Bundle.Manifest.Version, engine.Bundle.Checklist.Taxa.Count,
            engine.Bundle.Checklist.Projects, Math.Round(Uptime.Elapsed.TotalSeconds, 1), pool.Workers, pool.Admitted, engine.Bundle.Manifest.Source));

    public static Ok<PublicLimits> Limits(IOptions<FlorascopeOptions> options, Survey.SurveyLimiter surveys) =>
        TypedResults.Ok(PublicLimits.From(options.Value) with { SurveysAtOncePerNode = surveys.Max });

    /// <summary>The home page is the phone app, with what the service is and how to call its API at the bottom.</summary>
    public static ContentHttpResult Home(HttpRequest request, IdentificationEngine engine, Assets.PageRenderer pages, Assets.WebAssets assets, IOptions<FlorascopeOptions> options)
    {
        // Revalidated on each visit: its asset URLs carry the files' hashes, which change with a deployment.
        request.HttpContext.Response.Headers.CacheControl = Assets.WebAssetsHosting.Revalidate;
        request.HttpContext.Response.Headers.Vary = "Cookie, Accept-Language";
        var lang = Hosting.RequestLanguage.Of(request.HttpContext);
        var app = pages.Page("app", lang).Html;
        // The section's title in the page's language; its technical text stays English, and says so (lang="en").
        var summary = assets.Texts.TryGetValue(lang, out var texts) && texts.TryGetValue("app.developers", out var text) ? text : "For developers: the identification API";
        return TypedResults.Content(app.Replace("<!--developers-->", Developers(request, engine, PublicLimits.From(options.Value), summary), StringComparison.Ordinal), "text/html; charset=utf-8");
    }

    /// <summary>What the model was trained on: the cited data set (a GBIF download's DOI) or the demo data.</summary>
    private static string Provenance(Florascope.Bundles.BundleManifest m) => m.Source is { } s
        ? $"(trained on {WebUtility.HtmlEncode(s.Citation ?? s.Archive ?? "a published data set")}"
          + (s.Doi is { } doi && Uri.TryCreate(doi, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps ? $", <a href=\"{WebUtility.HtmlEncode(doi)}\">{WebUtility.HtmlEncode(doi)}</a>)" : ")")
        : "(demo flora of research data sets, not a general-purpose identifier)";

    private static string Developers(HttpRequest request, IdentificationEngine engine, PublicLimits limits, string summary)
    {
        var m = engine.Bundle.Manifest;
        var baseUrl = WebUtility.HtmlEncode(Hosting.PublicUrls.BaseUrl(request));
        var v = m.Validation?.Identification;
        return $$"""
            <details class="developers"><summary>{{WebUtility.HtmlEncode(summary)}}</summary><div lang="en">
            <p>Florascope is an open citizen observatory of plant biodiversity. This server names the plant in 1-5 photos with a
            ResNet18 network and calibrated heads, through an API compatible with the public Pl@ntNet API v2:
            existing clients work by changing only their base URL.</p>
            <p>Model <b>{{WebUtility.HtmlEncode(m.Version)}}</b>: {{engine.Bundle.Checklist.Taxa.Count}} taxa
            {{Provenance(m)}}{{(v is null ? "" : $"; validation top-1 {v.Top1:P1}, top-5 {v.Top5:P1}")}}.</p>
            <pre>curl -F images=@leaf.jpg -F organs=auto               "{{baseUrl}}/v2/identify/all?api-key=YOUR_KEY&amp;lang=en&amp;include-related-images=true"</pre>
            <p>Projects: {{string.Join(", ", engine.Bundle.Checklist.Projects.Select(p => $"<code>{WebUtility.HtmlEncode(p)}</code>"))}}.
            Organs: <code>leaf flower fruit bark habit other auto</code>. Up to {{limits.MaxImagesPerRequest}} photos (JPEG or PNG), {{PublicLimits.Size(limits.MaxRequestBytes)}} per request.
            A key: <code>florascope apikey create --name my-app</code> ({{limits.DefaultApiKeyDailyQuota}} identifications a day by default).</p>
            <p><a href="/scalar/v1">Interactive API reference</a> &middot; <a href="/openapi/v1.json">OpenAPI document</a> &middot;
            <code>/v2/projects</code>, <code>/v2/species</code>, <code>/v2/languages</code>, <code>/v2/quota/daily</code>, <a href="/v2/_status">/v2/_status</a>, <a href="/api/limits">/api/limits</a></p>
            </div></details>
            """;
    }
}
