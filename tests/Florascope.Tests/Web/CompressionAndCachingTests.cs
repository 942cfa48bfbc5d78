using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Florascope.Tests.TestSupport;
using Florascope.Web.Assets;

namespace Florascope.Tests.Web;

/// <summary>What the server sends over the wire: compressed text, fingerprinted assets cached for a year, the service worker's list from the files. Bytes and headers only.</summary>
[Collection(SharedServerCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class CompressionAndCachingTests(SharedServerFixture fixture)
{
    /// <summary>The pages without route parameters, as the server maps them.</summary>
    public static readonly string[] Pages = ["/", "/app", "/account", "/map", "/observations", "/search", "/help", "/models", "/stats"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FlorascopeHost Host => fixture.Host;

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string url, string? encoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (encoding is not null) request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        return await client.SendAsync(request, Ct);
    }

    private static byte[] Decode(byte[] body, string encoding)
    {
        using var input = new MemoryStream(body);
        using Stream decoder = encoding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    private static string Hash(string webRoot, string path) =>
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(webRoot, path.TrimStart('/')))))[..12];

    [Theory]
    [InlineData("/", "br")]
    [InlineData("/", "gzip")]
    [InlineData("/map", "br")]
    [InlineData("/js/app.js", "br")]
    [InlineData("/js/app.js", "gzip")]
    [InlineData("/lib/leaflet/leaflet.js", "br")]
    [InlineData("/css/site.css", "gzip")]
    [InlineData("/i18n/fr.json", "br")]
    [InlineData("/manifest.webmanifest", "br")]
    [InlineData("/icon.svg", "gzip")]
    [InlineData("/api/limits", "br")]
    public async Task TextComesBackCompressedWhenAskedAndSmaller(string path, string encoding)
    {
        using var plain = await GetAsync(Host.Client, path);
        using var packed = await GetAsync(Host.Client, path, encoding);
        Assert.True(plain.IsSuccessStatusCode && packed.IsSuccessStatusCode, path);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(encoding, Assert.Single(packed.Content.Headers.ContentEncoding));
        Assert.Contains("Accept-Encoding", packed.Headers.Vary);
        var original = await plain.Content.ReadAsByteArrayAsync(Ct);
        var wire = await packed.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal(original, Decode(wire, encoding));
        Assert.True(wire.Length < original.Length, $"{path}: {wire.Length} bytes {encoding}, {original.Length} plain");
        TestContext.Current.TestOutputHelper?.WriteLine($"{path}: {original.Length} bytes plain, {wire.Length} {encoding}");
    }

    [Theory]
    [InlineData("/lib/leaflet/images/marker-icon.png")]
    [InlineData("/lib/leaflet/images/layers.png")]
    public async Task ImagesAreNeverCompressed(string path)
    {
        using var response = await GetAsync(Host.Client, path, "br");
        Assert.True(response.IsSuccessStatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ThePagesAssetUrlsCarryTheirHashAndOnlyThoseAreImmutable()
    {
        var webRoot = Host.App.Environment.WebRootPath;
        var checkedUrls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var page in Pages)
        {
            using var response = await GetAsync(Host.Client, page);
            Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
            var html = await response.Content.ReadAsStringAsync(Ct);
            foreach (Match m in AssetUrl().Matches(html))
            {
                var (path, query) = (m.Groups["path"].Value, m.Groups["query"].Value);
                if (!File.Exists(Path.Combine(webRoot, path.TrimStart('/')))) continue;
                // Every file a page names (/js, /css, /lib, /i18n, icon, manifest) carries its current hash.
                Assert.Equal($"?v={Hash(webRoot, path)}", query);
                if (!checkedUrls.Add(path + query)) continue;
                using var current = await GetAsync(Host.Client, path + query);
                Assert.Equal(WebAssetsHosting.Immutable, current.Headers.CacheControl?.ToString());
                using var stale = await GetAsync(Host.Client, path + "?v=000000000000");
                Assert.Equal("no-cache", stale.Headers.CacheControl?.ToString());
                using var bare = await GetAsync(Host.Client, path);
                Assert.Equal("no-cache", bare.Headers.CacheControl?.ToString());
                Assert.NotNull(bare.Headers.ETag);
                Assert.Equal(await bare.Content.ReadAsByteArrayAsync(Ct), await current.Content.ReadAsByteArrayAsync(Ct));
            }
        }
        // The app page's scripts, styles and manifest at least.
        Assert.Contains(checkedUrls, u => u.StartsWith("/js/app.js?v=", StringComparison.Ordinal));
        Assert.Contains(checkedUrls, u => u.StartsWith("/css/site.css?v=", StringComparison.Ordinal));
        Assert.Contains(checkedUrls, u => u.StartsWith("/lib/leaflet/leaflet.js?v=", StringComparison.Ordinal));
        Assert.Contains(checkedUrls, u => u.StartsWith("/manifest.webmanifest?v=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APageIsAnswered304WhenItsETagMatches()
    {
        using var first = await GetAsync(Host.Client, "/map");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/map");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await Host.Client.SendAsync(again, Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task TheServiceWorkerPrecachesEveryFileThePagesReferenceWithItsCurrentHash()
    {
        var webRoot = Host.App.Environment.WebRootPath;
        using var response = await GetAsync(Host.Client, "/sw.js");
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        var script = await response.Content.ReadAsStringAsync(Ct);
        var shell = JsonNode.Parse(ShellList().Match(script).Groups["list"].Value)!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Matches("const CACHE = 'florascope-[0-9a-f]{12}';", script);
        foreach (var page in Pages) Assert.Contains(page, shell);
        foreach (var page in Pages)
        {
            var html = await Host.Client.GetStringAsync(page, Ct);
            foreach (Match m in AssetUrl().Matches(html))
                if (File.Exists(Path.Combine(webRoot, m.Groups["path"].Value.TrimStart('/'))))
                    Assert.Contains(m.Groups["path"].Value + m.Groups["query"].Value, shell);
        }
        // Each file at its current hash: the pages' and those loaded at run time (translations, Leaflet's images).
        foreach (var entry in shell.Where(e => e.Contains('?', StringComparison.Ordinal)))
        {
            var path = entry[..entry.IndexOf('?', StringComparison.Ordinal)];
            Assert.Equal($"{path}?v={Hash(webRoot, path)}", entry);
        }
        foreach (var file in Directory.GetFiles(Path.Combine(webRoot, "i18n"), "*.json"))
            Assert.Contains(shell, e => e.StartsWith($"/i18n/{Path.GetFileName(file)}?v=", StringComparison.Ordinal));
        Assert.Contains(shell, e => e.StartsWith("/lib/leaflet/images/marker-icon.png?v=", StringComparison.Ordinal));
        Assert.DoesNotContain(shell, e => e.Contains("LICENSE", StringComparison.Ordinal) || e.EndsWith(".html", StringComparison.Ordinal));
        TestContext.Current.TestOutputHelper?.WriteLine($"sw.js precaches {shell.Count} URLs: {string.Join(' ', shell)}");
    }

    [GeneratedRegex(@"\b(?:src|href)=""(?<path>/(?!/)[^""?#]*)(?<query>\?[^""]*)?""")]
    private static partial Regex AssetUrl();

    [GeneratedRegex(@"const SHELL = (?<list>\[.*?\]);", RegexOptions.Singleline)]
    private static partial Regex ShellList();
}

/// <summary>Behind a trusted proxy saying HTTPS: text is still compressed, the answers carrying a person's secrets are not (BREACH, docs/security.md).</summary>
[Trait("Category", "Slow")]
public sealed class CompressionOverHttpsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SecretsAreNotCompressedOverHttpsAndTheRestIs()
    {
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(SharedServerFixture.Noon),
            new Dictionary<string, string?> { ["Florascope:Proxies:KnownProxies:0"] = "127.0.0.1" });
        async Task<HttpResponseMessage> GetAsync(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
            return await host.Client.SendAsync(request, Ct);
        }
        using var token = await GetAsync("/api/account/antiforgery");
        Assert.True(token.IsSuccessStatusCode);
        // The proxy's HTTPS was believed: the anti-forgery cookie is Secure (no HSTS for a loopback host name).
        Assert.Contains(token.Headers.GetValues("Set-Cookie"), c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(token.Content.Headers.ContentEncoding);
        var first = JsonNode.Parse(await token.Content.ReadAsStringAsync(Ct))!["token"]!.GetValue<string>();
        // The same browser (its anti-forgery cookie sent back) gets a token that differs each time: no secret repeats across answers.
        using var again = await GetAsync("/api/account/antiforgery");
        Assert.NotEqual(first, JsonNode.Parse(await again.Content.ReadAsStringAsync(Ct))!["token"]!.GetValue<string>());
        using var script = await GetAsync("/js/app.js");
        Assert.Equal("br", Assert.Single(script.Content.Headers.ContentEncoding));
        using var page = await GetAsync("/app");
        Assert.Equal("br", Assert.Single(page.Content.Headers.ContentEncoding));
    }
}
