using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Net.Http.Headers;

namespace Florascope.Web.Assets;

/// <summary>Marks a page route as part of the app shell the service worker precaches (routes without parameters only).</summary>
public sealed record AppShellPage(string Page);

/// <summary>
/// What the server sends, small and cacheable (docs/api.md, "Compression and caching"): Brotli and
/// gzip for text, a year's cache for fingerprinted files, revalidation for everything else, and the
/// service worker's list from the files.
/// </summary>
public static class WebAssetsHosting
{
    /// <summary>For a URL whose <c>v</c> is the file's current hash: the content can never change.</summary>
    public const string Immutable = "public, max-age=31536000, immutable";

    /// <summary>Everything else: the browser keeps it but asks (ETag / Last-Modified) before each use.</summary>
    public const string Revalidate = "no-cache";

    /// <summary>Text worth compressing; images (JPEG, PNG) are already compressed and never listed.</summary>
    public static readonly string[] CompressedTypes =
    [
        "text/html", "text/css", "text/javascript", "application/javascript", "text/plain", "application/json", "text/json",
        "application/problem+json", "application/geo+json", "application/manifest+json", "image/svg+xml", "application/xml", "text/xml",
    ];

    /// <summary>
    /// Answers that carry a secret of the signed-in person (anti-forgery token, new API key, sessions)
    /// are never compressed over HTTPS: small anyway, and no BREACH guess can be measured on them (docs/security.md).
    /// </summary>
    public const string UncompressedPrefix = "/api/account";

    public static void AddWebAssets(this WebApplicationBuilder builder, string webRootPath)
    {
        builder.Services.AddSingleton(WebAssets.Load(webRootPath));
        builder.Services.AddSingleton<PageRenderer>();
        builder.Services.AddResponseCompression(o =>
        {
            // Over HTTPS too (nginx forwards it): see docs/security.md for why this is safe here.
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = CompressedTypes;
        });
        // Optimal is Brotli quality 4 and gzip level 6: ~2 ms for Leaflet's 148 KB, 30 % smaller than Fastest;
        // Brotli's best (SmallestSize) would save 16 % more at 170 ms per answer (measured, docs/api.md).
        builder.Services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
        builder.Services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
    }

    /// <summary>First in the pipeline, so that every answer, error bodies included, is compressed after it is written.</summary>
    public static void UseCompression(this WebApplication app)
    {
        app.UseResponseCompression();
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(UncompressedPrefix) && context.Features.Get<IHttpsCompressionFeature>() is { } https)
                https.Mode = HttpsCompressionMode.DoNotCompress;
            return next(context);
        });
    }

    /// <summary>wwwroot's files with their cache header: immutable when the URL's <c>v</c> is the file's current hash, else revalidated.</summary>
    public static void UseFingerprintedStaticFiles(this WebApplication app)
    {
        var assets = app.Services.GetRequiredService<WebAssets>();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = file =>
            {
                var request = file.Context.Request;
                file.Context.Response.Headers.CacheControl = file.File.PhysicalPath is not null
                    && assets.IsCurrent(request.Path.Value ?? "", request.Query[AssetFingerprints.VersionParameter].ToString(), file.File.Length, file.File.LastModified)
                    ? Immutable : Revalidate;
            },
        });
    }

    /// <summary>A page (<c>wwwroot/{page}.html</c> with versioned asset URLs); in the app shell unless its route has parameters.</summary>
    public static RouteHandlerBuilder MapPage(this IEndpointRouteBuilder app, string route, string page)
    {
        var endpoint = app.MapGet(route, (HttpContext context, PageRenderer pages) => Page(context, pages.Page(page, Hosting.RequestLanguage.Of(context)))).ExcludeFromDescription();
        return route.Contains('{', StringComparison.Ordinal) ? endpoint : endpoint.WithMetadata(new AppShellPage(page));
    }

    /// <summary>
    /// A page's bytes, revalidated on each visit (its asset URLs change with each deployment); 304 when
    /// the ETag matches. Its language follows the "lang" cookie or Accept-Language, hence Vary.
    /// </summary>
    public static FileContentHttpResult Page(HttpContext context, RenderedPage page)
    {
        context.Response.Headers.CacheControl = Revalidate;
        context.Response.Headers.Vary = "Cookie, Accept-Language";
        return TypedResults.Bytes(page.Utf8, "text/html; charset=utf-8", entityTag: page.ETag);
    }

    /// <summary>GET /sw.js: the service worker with the precache list of the app shell's pages (the routes marked <see cref="AppShellPage"/>).</summary>
    public static void MapServiceWorker(this IEndpointRouteBuilder app)
    {
        var sources = app.DataSources;
        var script = new Lazy<(byte[] Bytes, EntityTagHeaderValue ETag)>(() =>
        {
            var pages = sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
                .Select(e => (Route: e.RoutePattern.RawText ?? "", Shell: e.Metadata.GetMetadata<AppShellPage>()))
                .Where(e => e.Shell is not null && e.Route.StartsWith('/'))
                .Select(e => (e.Route, e.Shell!.Page)).OrderBy(e => e.Route, StringComparer.Ordinal).ToList();
            var bytes = Encoding.UTF8.GetBytes(app.ServiceProvider.GetRequiredService<WebAssets>().ServiceWorker(pages));
            return (bytes, new EntityTagHeaderValue($"\"{AssetFingerprints.Of(bytes)}\""));
        });
        app.MapGet(WebAssets.ServiceWorkerPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = Revalidate;
            return TypedResults.Bytes(script.Value.Bytes, "text/javascript; charset=utf-8", entityTag: script.Value.ETag);
        }).ExcludeFromDescription();
    }
}
