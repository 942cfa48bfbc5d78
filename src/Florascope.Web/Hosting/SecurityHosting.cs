using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

using Microsoft.Extensions.Options;

namespace Florascope.Web.Hosting;

/// <summary>
/// What a public deployment needs around every response (docs/security.md): security headers,
/// forwarded headers believed only from configured proxies, HSTS over HTTPS, and the AllowedHosts
/// filter answering with the documented error body.
/// </summary>
public static partial class SecurityHosting
{
    /// <summary>The map tiles of maps (js/shared.js tileLayer: OpenStreetMap).</summary>
    public const string TileOrigin = "https://tile.openstreetmap.org";

    /// <summary>
    /// The pages' policy: scripts and styles only from files of this origin, never inline, except the
    /// import map whose exact text <paramref name="importMapSource"/> allows (<c>'sha256-...'</c>, see Assets/WebAssets).
    /// </summary>
    public static string ContentSecurityPolicy(string? importMapSource) => string.Join("; ",
        "default-src 'self'", importMapSource is null ? "script-src 'self'" : $"script-src 'self' {importMapSource}", "style-src 'self'", $"img-src 'self' data: blob: {TileOrigin}",
        "connect-src 'self'", "font-src 'self'", "worker-src 'self'", "manifest-src 'self'", "object-src 'none'",
        "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'");

    /// <summary>The API reference (Scalar): its page and assets.</summary>
    public const string ScalarPath = "/scalar";

    public static void AddSecurityHosting(this WebApplicationBuilder builder, FlorascopeOptions options)
    {
        PublicUrls.Validate(options.PublicBaseUrl);
        var proxies = ParseProxies(options.Proxies);
        builder.Services.Configure<ForwardedHeadersOptions>(f =>
        {
            // With no proxy listed the middleware would believe everyone, so then it reads nothing.
            f.ForwardedHeaders = proxies.Addresses.Count + proxies.Networks.Count == 0 ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // The framework trusts loopback by default; here only the configured proxies are trusted.
            f.KnownProxies.Clear();
            f.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // The obsolete list starts with loopback too; emptied in case it is still read.
            f.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var p in proxies.Addresses) f.KnownProxies.Add(p);
            foreach (var n in proxies.Networks) f.KnownIPNetworks.Add(n);
        });
        builder.Services.AddHsts(h => h.MaxAge = TimeSpan.FromDays(365));
        // Cookies are Secure whenever the request is HTTPS, as told by a trusted proxy.
        builder.Services.PostConfigure<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(
            Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme,
            c => c.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        builder.Services.PostConfigure<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>(a => a.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);

        // The default host's AllowedHosts filter runs before every middleware, so its 400 would have
        // no body: it runs after the error bodies instead (UseHostChecks), same options.
        var defaultFilter = builder.Services.Where(s => s.ServiceType == typeof(IStartupFilter)
            && s.ImplementationType?.Name == "HostFilteringStartupFilter").ToList();
        // Found by name (the type is internal): if a framework update renames it, fail loudly
        // rather than run the filter twice, the first time without the error body.
        if (defaultFilter.Count != 1)
            throw new InvalidOperationException($"Expected the framework's one HostFilteringStartupFilter, found {defaultFilter.Count}: update SecurityHosting.");
        foreach (var s in defaultFilter) builder.Services.Remove(s);
        builder.Services.PostConfigure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(h => h.IncludeFailureMessage = false);

        // The API reference loads nothing from other origins (fonts, telemetry): the policy allows none.
        builder.Services.Configure<Scalar.AspNetCore.ScalarOptions>(o =>
        {
            o.DefaultFonts = false;
            o.Telemetry = false;
        });

        // The OpenAPI document names the public URL as its server, never the request's Host.
        var servers = options.PublicBaseUrl is { Length: > 0 } u ? new List<OpenApiServer> { new() { Url = u.TrimEnd('/') } } : [];
        builder.Services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Servers = servers;
            return Task.CompletedTask;
        }));
    }

    /// <summary>First in the pipeline: the client's address and scheme as told by a trusted proxy, then the headers of every response.</summary>
    public static void UseForwardedAndSecurityHeaders(this WebApplication app)
    {
        app.UseForwardedHeaders();
        var policy = ContentSecurityPolicy(app.Services.GetService<Assets.WebAssets>()?.ImportMapSource);
        app.Use((context, next) =>
        {
            var response = context.Response;
            // At start, so that error answers (whose handler clears the headers) carry them too.
            response.OnStarting(() =>
            {
                var h = response.Headers;
                if (!h.ContainsKey(HeaderNames.ContentSecurityPolicy)) h.ContentSecurityPolicy = policy;
                h.XContentTypeOptions = "nosniff";
                h["Referrer-Policy"] = "strict-origin-when-cross-origin";
                // frame-ancestors for browsers that predate it.
                h.XFrameOptions = "DENY";
                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseWhen(c => c.Request.Path.StartsWithSegments(ScalarPath, out var rest) && !Path.HasExtension(rest.Value), a => a.Use(ScalarPageAsync));
    }

    /// <summary>After the error bodies: AllowedHosts (400 with the documented body), then HSTS on HTTPS answers.</summary>
    public static void UseHostChecks(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<FlorascopeOptions>>().Value;
        var hosts = app.Configuration["AllowedHosts"];
        if (!app.Environment.IsDevelopment() && options.PublicBaseUrl.Length == 0 && (string.IsNullOrEmpty(hosts) || hosts == "*"))
            app.Logger.LogWarning("Florascope:PublicBaseUrl and AllowedHosts are not set: absolute URLs (related images) follow the request's Host header. " +
                "Set both before serving the public (docs/security.md, deployment checklist).");
        app.UseHostFiltering();
        app.UseHsts();
    }

    /// <summary>
    /// The policy of the API reference page: Scalar writes its configuration as an inline script
    /// and its bundle injects styles, so the page's own inline scripts are allowed by their hashes
    /// (nothing else inline runs) and styles may be inline. Its bundle also probes <c>Function('')</c>
    /// at load (Zod's JIT check), which every browser reports as a violation unless eval is allowed;
    /// the page shows only this server's own OpenAPI document, so eval is allowed there and nowhere else.
    /// </summary>
    public static string ScalarPolicy(IEnumerable<string> scriptHashes) => string.Join("; ",
        string.Join(' ', ["script-src", "'self'", "'unsafe-eval'", .. scriptHashes]), "default-src 'self'", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:", "connect-src 'self'", "font-src 'self' data:", "worker-src 'self' blob:", "object-src 'none'",
        "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'");

    /// <summary>The CSP source of each inline script of a page (<c>'sha256-...'</c> of its exact text), in order.</summary>
    public static IReadOnlyList<string> InlineScriptHashes(string html) =>
        [.. InlineScript().Matches(html).Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value)))}'")];

    [GeneratedRegex(@"<script\b(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    /// <summary>Holds Scalar's small page back to hash its inline scripts into the policy.</summary>
    private static async Task ScalarPageAsync(HttpContext context, RequestDelegate next)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            context.Response.Headers.ContentSecurityPolicy = ScalarPolicy(InlineScriptHashes(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length)));
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private static (List<IPAddress> Addresses, List<System.Net.IPNetwork> Networks) ParseProxies(ProxyOptions proxies)
    {
        var addresses = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var p in proxies.KnownProxies)
            addresses.Add(IPAddress.TryParse(p, out var a) ? a
                : throw new InvalidOperationException($"Florascope:Proxies:KnownProxies: '{p}' is not an IP address."));
        foreach (var n in proxies.KnownNetworks)
            networks.Add(System.Net.IPNetwork.TryParse(n, out var net) ? net
                : throw new InvalidOperationException($"Florascope:Proxies:KnownNetworks: '{n}' is not a network in CIDR notation (10.0.0.0/24)."));
        return (addresses, networks);
    }
}
