using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Florascope.Tests.TestSupport;
using Florascope.Web.Home;
using Florascope.Web.Hosting;

namespace Florascope.Tests.Web;

/// <summary>The headers every answer carries (pages, API, errors), on the shared server.</summary>
[Collection(SharedServerCollection.Name)]
[Trait("Category", "Slow")]
public sealed class SecurityHeadersTests(SharedServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FlorascopeHost Host => fixture.Host;

    /// <summary>The headers of a public answer; returns the CSP's directives by name.</summary>
    public static Dictionary<string, string> AssertSecurityHeaders(HttpResponseMessage response, string what, bool evalAllowed = false)
    {
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp), $"{what}: no Content-Security-Policy");
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        var directives = Assert.Single(csp).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d, StringComparer.Ordinal);
        Assert.Equal("frame-ancestors 'none'", directives["frame-ancestors"]);
        Assert.DoesNotContain("'unsafe-inline'", directives["script-src"], StringComparison.Ordinal);
        if (!evalAllowed) Assert.DoesNotContain("'unsafe-eval'", directives["script-src"], StringComparison.Ordinal);
        Assert.DoesNotContain("*", directives["script-src"], StringComparison.Ordinal);
        Assert.Equal("object-src 'none'", directives["object-src"]);
        return directives;
    }

    [Theory]
    [InlineData("/", 200)]
    [InlineData("/app", 200)]
    [InlineData("/account", 200)]
    [InlineData("/observations", 200)]
    [InlineData("/map", 200)]
    [InlineData("/help", 200)]
    [InlineData("/search", 200)]
    [InlineData("/models", 200)]
    [InlineData("/taxa/Rosa", 200)]
    [InlineData("/js/app.js", 200)]
    [InlineData("/css/site.css", 200)]
    [InlineData("/v2/_status", 200)]
    [InlineData("/v2/languages", 200)]
    [InlineData("/v2/projects", 401)]
    [InlineData("/api/limits", 200)]
    [InlineData("/openapi/v1.json", 200)]
    [InlineData("/v2/quota/daily", 401)]
    [InlineData("/v2/species?pageSize=x", 400)]
    [InlineData("/no/such/page", 404)]
    public async Task EveryAnswerCarriesTheSecurityHeaders(string path, int status)
    {
        using var response = await Host.Client.GetAsync(path, Ct);
        Assert.Equal(status, (int)response.StatusCode);
        var csp = AssertSecurityHeaders(response, path);
        // Files of this origin, and the pages' import map by its exact hash (PagesServedTests checks it is the map's).
        Assert.Matches("^script-src 'self' 'sha256-[A-Za-z0-9+/]{43}='$", csp["script-src"]);
        Assert.Equal("style-src 'self'", csp["style-src"]);
        // The map's tiles, and the app's photo previews (blob:).
        Assert.Equal($"img-src 'self' data: blob: {SecurityHosting.TileOrigin}", csp["img-src"]);
        // Plain HTTP, no trusted proxy saying otherwise: no HSTS.
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task IdentifyAnswersAndRefusalsCarryTheSecurityHeaders()
    {
        var key = await Host.CreateKeyAsync();
        using (var ok = await Host.Client.IdentifyAsync(key, Photos.Form(Photos.Plant("Rosa"), "auto"), query: "nb-results=1"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            AssertSecurityHeaders(ok, "200");
        }
        using (var noKey = await Host.Client.PostAsync("v2/identify/all", Photos.Form(Photos.Plant("Rosa")), Ct))
        {
            await noKey.ErrorAsync(401);
            AssertSecurityHeaders(noKey, "401");
        }
        using (var notImage = await Host.Client.IdentifyAsync(key, Photos.Form(Photos.Made("a.jpg", "text"u8.ToArray()))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notImage.StatusCode);
            AssertSecurityHeaders(notImage, "400");
        }
    }

    [Fact]
    public async Task TheApiReferenceRunsOnlyItsOwnInlineScriptByHash()
    {
        using var response = await Host.Client.GetAsync("scalar/v1", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        // Eval only there: Scalar's bundle probes Function('') (docs/security.md).
        var csp = AssertSecurityHeaders(response, "/scalar/v1", evalAllowed: true);

        // Each inline script of the page, hashed here independently of the server's code.
        var inline = Regex.Matches(html, "<script(?![^>]*src=)[^>]*>(.*?)</script>", RegexOptions.Singleline)
            .Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value)))}'").ToList();
        Assert.NotEmpty(inline);
        Assert.Equal(string.Join(' ', ["script-src", "'self'", "'unsafe-eval'", .. inline]), csp["script-src"]);
        // Nothing is loaded from another origin (Scalar's fonts and telemetry are off).
        Assert.DoesNotContain("https:", string.Join(';', csp.Values), StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLimitsArePublishedFromTheSettings()
    {
        var limits = await Host.Client.GetJsonAsync("api/limits");
        Assert.Equal(["maxImagesPerRequest", "maxRequestBytes", "maxRequestSize", "defaultApiKeyDailyQuota", "anonymousDailyIdentifications",
            "signedInDailyIdentifications", "concurrentRequestsPerAddress", "minBodyBytesPerSecond", "bodySeconds", "minPasswordLength",
            "maxNotesLength", "obscuredCellDegrees", "obscuredCellKilometres", "signUpsPerAddressPerDay", "bodiesPerAddress",
            "surveysAtOncePerNode", "maxSurveyWindows", "surveyWindowsPerUnit"],
            limits.AsObject().Select(p => p.Key));
        Assert.Equal("50 MB", limits["maxRequestSize"]!.GetValue<string>());
        Assert.Equal(Florascope.Web.Accounts.AccountsApi.MinPassword, limits["minPasswordLength"]!.GetValue<int>());
        Assert.Equal(Florascope.Data.Observations.ObservationWriter.MaxNotes, limits["maxNotesLength"]!.GetValue<int>());
        Assert.Equal(Florascope.Data.Privacy.PublicPosition.CellDegrees, limits["obscuredCellDegrees"]!.GetValue<double>());
        Assert.Equal(22, limits["obscuredCellKilometres"]!.GetValue<int>());
        Assert.Equal(Florascope.Identification.IdentifyRequest.MaxImages, limits["maxImagesPerRequest"]!.GetValue<int>());
        Assert.Equal(new FlorascopeOptions().MaxRequestBytes, limits["maxRequestBytes"]!.GetValue<long>());
        Assert.Equal(Florascope.Data.ApiKeys.ApiKeyStore.DefaultDailyQuota, limits["defaultApiKeyDailyQuota"]!.GetValue<int>());
        Assert.Equal(new FlorascopeOptions().AnonymousDailyIdentifications, limits["anonymousDailyIdentifications"]!.GetValue<int>());
        Assert.Equal(new FlorascopeOptions().SignedInDailyIdentifications, limits["signedInDailyIdentifications"]!.GetValue<int>());
        Assert.Equal(new ClientLimitOptions().ConcurrentRequestsPerAddress, limits["concurrentRequestsPerAddress"]!.GetValue<int>());

        // The home page states them from the same settings.
        var home = await Host.Client.GetStringAsync("/", Ct);
        Assert.Contains("Up to 5 photos (JPEG or PNG), 50 MB per request.", home, StringComparison.Ordinal);
        Assert.Contains("(500 identifications a day by default)", home, StringComparison.Ordinal);
    }
}

/// <summary>The pure pieces: no server.</summary>
public sealed class SecurityHostingUnitTests
{
    [Fact]
    public void InlineScriptHashesHashExactlyTheInlineScripts()
    {
        const string html = "<script src=\"a.js\"></script><script type=\"module\">\n  run()\n</script><SCRIPT>x</SCRIPT><p>no</p>";
        static string Hash(string s) => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(s)))}'";
        Assert.Equal([Hash("\n  run()\n"), Hash("x")], SecurityHosting.InlineScriptHashes(html));
        Assert.Empty(SecurityHosting.InlineScriptHashes("<p>nothing</p><script src='/js/x.js'></script>"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("https://florascope.example.org")]
    [InlineData("https://florascope.example.org/")]
    [InlineData("http://127.0.0.1:5180/florascope")]
    public void APublicBaseUrlIsAnAbsoluteHttpUrl(string url) => PublicUrls.Validate(url);

    [Theory]
    [InlineData("florascope.example.org")]
    [InlineData("/relative")]
    [InlineData("ftp://florascope.example.org")]
    [InlineData("https://florascope.example.org/?a=b")]
    [InlineData("https://florascope.example.org/#top")]
    [InlineData("https://user:pw@florascope.example.org")]
    public void AnythingElseIsRefusedAtStart(string url) => Assert.Throws<InvalidOperationException>(() => PublicUrls.Validate(url));

    [Theory]
    [InlineData(52428800L, "50 MB")]
    [InlineData(1572864L, "1.5 MB")]
    [InlineData(921600L, "900 KB")]
    public void SizesReadAsPeopleReadThem(long bytes, string text) => Assert.Equal(text, PublicLimits.Size(bytes));

    [Fact]
    public void ThePagesHaveNoInlineScriptsOrHandlers()
    {
        var root = Path.Combine(RepoPaths.Root, "src", "Florascope.Web", "wwwroot");
        var pages = Directory.GetFiles(root, "*.html");
        Assert.True(pages.Length >= 9);
        foreach (var page in pages)
        {
            var html = File.ReadAllText(page);
            foreach (Match script in Regex.Matches(html, "<script\\b[^>]*>", RegexOptions.IgnoreCase))
                Assert.Matches("src=\"/(js|lib)/", script.Value);
            Assert.DoesNotMatch(new Regex("<[^>]+\\son[a-z]+\\s*=", RegexOptions.IgnoreCase), html);
            Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch(new Regex("<[^>]+\\sstyle\\s*=|<style", RegexOptions.IgnoreCase), html);
        }
    }
}

/// <summary>
/// Deployment settings on servers of their own: forwarded headers believed only from configured
/// proxies, PublicBaseUrl for every absolute URL, AllowedHosts. Every address is loopback.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PublicDeploymentTests
{
    private static readonly DateTimeOffset Noon = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<FlorascopeHost> StartAsync(TempDirectory dir, Dictionary<string, string?> settings) =>
        await FlorascopeHost.StartAsync(dir.Path, new FakeClock(Noon), settings);

    private static HttpRequestMessage Forwarded(HttpMethod method, string url, string forwardedFor, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "florascope.example.org");
        return request;
    }

    /// <summary>Set-Cookie lines of an answer.</summary>
    private static List<string> Cookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? [.. values] : [];

    /// <summary>The attributes of a Set-Cookie line, lower-cased ("secure", "httponly", "path=/"...).</summary>
    private static IEnumerable<string> Attributes(string cookie) => cookie.Split(';').Skip(1).Select(p => p.Trim().ToLowerInvariant());

    /// <summary>Signs up with raw requests (no cookie jar) through the proxy headers; returns the Set-Cookie lines of both answers.</summary>
    private static async Task<List<string>> SignUpCookiesAsync(HttpClient client, string name)
    {
        using var tokenAnswer = await client.SendAsync(Forwarded(HttpMethod.Get, "api/account/antiforgery", "127.0.0.9"), Ct);
        var token = await tokenAnswer.JsonAsync();
        var cookies = Cookies(tokenAnswer);
        var antiforgery = Assert.Single(cookies).Split(';')[0];
        using var form = new FormUrlEncodedContent([new("userName", name), new("email", name + "@example.org"),
            new("password", ObservatoryClient.Password), new(token["formFieldName"]!.GetValue<string>(), token["token"]!.GetValue<string>())]);
        using var signUp = Forwarded(HttpMethod.Post, "api/account/signup", "127.0.0.9", form);
        signUp.Headers.Add("Cookie", antiforgery);
        using var answer = await client.SendAsync(signUp, Ct);
        await answer.JsonAsync();
        cookies.AddRange(Cookies(answer));
        Assert.Contains(cookies, c => c.StartsWith("florascope=", StringComparison.Ordinal));
        return cookies;
    }

    /// <summary>Two anonymous identifications said to come from two addresses: the second is refused when the first address was the real one.</summary>
    private static async Task<(HttpStatusCode First, HttpStatusCode Second)> TwoAddressesAsync(HttpClient client)
    {
        var photo = Photos.Plant("Helianthus_annuus");
        using var first = await client.SendAsync(Forwarded(HttpMethod.Post, "api/identify/all?nb-results=1", "127.0.0.77", Photos.Form(photo)), Ct);
        using var second = await client.SendAsync(Forwarded(HttpMethod.Post, "api/identify/all?nb-results=1", "127.0.0.78", Photos.Form(photo)), Ct);
        return (first.StatusCode, second.StatusCode);
    }

    [Fact]
    public async Task ForwardedHeadersAreIgnoredFromAnUnknownProxyLoopbackIncluded()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir, new() { ["Florascope:AnonymousDailyIdentifications"] = "1" });
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };

        // X-Forwarded-For is not believed: both requests count against the one real address.
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.TooManyRequests), await TwoAddressesAsync(client));

        // X-Forwarded-Proto is not believed: no HSTS, no Secure cookie.
        using var page = await client.SendAsync(Forwarded(HttpMethod.Get, "app", "127.0.0.9"), Ct);
        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
        var cookies = await SignUpCookiesAsync(client, "plainhttp");
        Assert.All(cookies, c => Assert.DoesNotContain("secure", Attributes(c)));

        // X-Forwarded-Host is not believed: the related images name the real address.
        var key = await host.CreateKeyAsync();
        using var identify = await client.SendAsync(Forwarded(HttpMethod.Post, ApiCalls.IdentifyUrl(key, query: "include-related-images=true&nb-results=1"),
            "127.0.0.9", Photos.Form(Photos.Plant("Rosa"))), Ct);
        var body = await identify.JsonAsync();
        Assert.StartsWith(host.BaseAddress + "media/", body["results"]![0]!["images"]![0]!["url"]!["o"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Florascope:Proxies:KnownProxies:0", "127.0.0.1")]
    [InlineData("Florascope:Proxies:KnownNetworks:0", "127.0.0.0/8")]
    public async Task ForwardedHeadersAreHonouredFromAConfiguredProxy(string setting, string proxy)
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir, new() { ["Florascope:AnonymousDailyIdentifications"] = "1", [setting] = proxy });
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };

        // The client addresses the proxy reports are counted apart.
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), await TwoAddressesAsync(client));

        // HTTPS at the proxy: HSTS, and every cookie Secure.
        using var page = await client.SendAsync(Forwarded(HttpMethod.Get, "app", "127.0.0.9"), Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.StartsWith("max-age=31536000", Assert.Single(page.Headers.GetValues("Strict-Transport-Security")), StringComparison.Ordinal);
        var cookies = await SignUpCookiesAsync(client, "behindproxy");
        Assert.All(cookies, c => Assert.Contains("secure", Attributes(c)));

        // Without the headers, the same proxy's plain request stays plain.
        using var plain = await client.GetAsync("app", Ct);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task PublicBaseUrlIsUsedAndAHostileHostHeaderIsNeverWrittenBack()
    {
        const string evil = "evil.example";
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir, new() { ["Florascope:PublicBaseUrl"] = "https://florascope.example.org/" });
        var key = await host.CreateKeyAsync();
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };

        async Task<(HttpResponseMessage Response, string Body)> Send(HttpMethod method, string url, HttpContent? content = null)
        {
            using var request = new HttpRequestMessage(method, url) { Content = content };
            request.Headers.Host = evil;
            request.Headers.Add("X-Forwarded-Host", evil);
            var response = await client.SendAsync(request, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain(evil, body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(response.Headers.Concat(response.Content.Headers), h => h.Value.Any(v => v.Contains(evil, StringComparison.OrdinalIgnoreCase)));
            return (response, body);
        }

        var (identify, text) = await Send(HttpMethod.Post, ApiCalls.IdentifyUrl(key, query: "include-related-images=true&nb-results=2"),
            Photos.Form([Photos.Plant("Rosa"), Photos.Plant("Rosa", 1)]));
        Assert.Equal(HttpStatusCode.OK, identify.StatusCode);
        var body = JsonNode.Parse(text)!;
        ContractSchemas.AssertValid(ContractSchemas.Identify, body);
        foreach (var image in body["results"]!.AsArray().SelectMany(r => r!["images"]!.AsArray()))
            foreach (var size in new[] { "o", "m", "s" })
                Assert.StartsWith("https://florascope.example.org/media/", image!["url"]![size]!.GetValue<string>(), StringComparison.Ordinal);

        var (home, homeText) = await Send(HttpMethod.Get, "/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("https://florascope.example.org/v2/identify/all?api-key=", homeText, StringComparison.Ordinal);

        var (openApi, openApiText) = await Send(HttpMethod.Get, "openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        Assert.Equal("https://florascope.example.org", JsonNode.Parse(openApiText)!["servers"]![0]!["url"]!.GetValue<string>());

        foreach (var path in new[] { "app", "map", "account", "scalar/v1", "v2/_status", "api/limits", "v2/projects", "no/such/page", "v2/quota/daily" })
            await Send(HttpMethod.Get, path);
        await Send(HttpMethod.Post, "v2/identify/all", Photos.Form(Photos.Plant("Rosa")));
        await Send(HttpMethod.Post, ApiCalls.IdentifyUrl(key), new StringContent("not multipart"));
    }

    [Fact]
    public async Task AllowedHostsRefusesOtherHostsWithTheErrorBodyAndHeaders()
    {
        using var dir = new TempDirectory();
        await using var host = await StartAsync(dir, new() { ["AllowedHosts"] = "127.0.0.1;florascope.example.org" });
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = host.BaseAddress };

        foreach (var path in new[] { "/", "app", "v2/_status", "scalar/v1" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = "evil.example";
            using var refused = await client.SendAsync(request, Ct);
            await refused.ErrorAsync(400);
            SecurityHeadersTests.AssertSecurityHeaders(refused, path);
        }

        using var allowed = new HttpRequestMessage(HttpMethod.Get, "v2/_status");
        allowed.Headers.Host = "florascope.example.org";
        using var ok = await client.SendAsync(allowed, Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("v2/_status", Ct)).StatusCode);
    }
}
