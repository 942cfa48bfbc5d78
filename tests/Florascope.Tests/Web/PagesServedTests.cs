using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>The pages as served: their language, the one header, the import map the CSP allows, the session hint.</summary>
[Collection(SharedServerCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class PagesServedTests(SharedServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FlorascopeHost Host => fixture.Host;

    private static readonly string[] Pages = ["/", "/app", "/map", "/help", "/observations", "/search", "/stats", "/account", "/models", "/taxa/Rosa", "/observations/1", "/users/1"];

    private async Task<(HttpResponseMessage Response, string Html)> GetAsync(string path, string? acceptLanguage = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptLanguage is not null) request.Headers.Add("Accept-Language", acceptLanguage);
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        var response = await Host.Client.SendAsync(request, Ct);
        return (response, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task APageComesInTheCookiesLanguageElseTheBrowsersElseEnglish()
    {
        var (fr, frHtml) = await GetAsync("/observations", acceptLanguage: "fr-CH, fr;q=0.9, en;q=0.8");
        Assert.Contains("<html lang=\"fr\" dir=\"ltr\">", frHtml, StringComparison.Ordinal);
        Assert.Contains("Cookie", fr.Headers.Vary);
        Assert.Contains("Accept-Language", fr.Headers.Vary);
        var (_, arHtml) = await GetAsync("/observations", acceptLanguage: "fr", cookie: "lang=ar");
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", arHtml, StringComparison.Ordinal);
        var (_, enHtml) = await GetAsync("/observations", acceptLanguage: "tlh, xx;q=0.5", cookie: "lang=../../etc");
        Assert.Contains("<html lang=\"en\" dir=\"ltr\">", enHtml, StringComparison.Ordinal);

        // The boot data carries the language's texts and the limits, so no request is needed for them.
        var boot = JsonDocument.Parse(BootBlock().Match(frHtml).Groups[1].Value).RootElement;
        Assert.Equal("fr", boot.GetProperty("lang").GetString());
        Assert.Equal("Carte", boot.GetProperty("texts").GetProperty("nav.map").GetString());
        Assert.True(boot.GetProperty("limits").GetProperty("maxImagesPerRequest").GetInt32() > 0);
        // And the texts are already in the HTML (first paint in French).
        Assert.Contains(">Carte</a>", frHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryPageHasTheOneHeaderAndItsImportMapIsTheOnlyScriptTheCspAllowsInline()
    {
        string? header = null;
        foreach (var path in Pages)
        {
            var (response, html) = await GetAsync(path, acceptLanguage: "en");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var headers = HeaderElement().Matches(html);
            Assert.True(headers.Count == 1, $"{path}: {headers.Count} headers");
            header ??= headers[0].Value;
            Assert.Equal(header, headers[0].Value);
            Assert.Contains("href=\"/account\"", header, StringComparison.Ordinal);
            Assert.Contains("class=\"brand\" href=\"/\"", header, StringComparison.Ordinal);

            var map = ImportMapBlock().Match(html);
            Assert.True(map.Success, path);
            var source = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(map.Groups[1].Value))) + "'";
            var csp = SecurityHeadersTests.AssertSecurityHeaders(response, path);
            Assert.Equal("script-src 'self' " + source, csp["script-src"]);
            // Every other script is a file of this origin or non-executable data.
            foreach (Match script in ScriptTag().Matches(html))
                Assert.True(script.Value.Contains("src=\"/", StringComparison.Ordinal) || script.Value.Contains("type=\"importmap\"", StringComparison.Ordinal)
                    || script.Value.Contains("type=\"application/json\"", StringComparison.Ordinal), $"{path}: {script.Value}");
            // Each module the page loads is preloaded with the version its import map gives.
            foreach (Match preload in Preload().Matches(html))
                Assert.Contains($"\"{preload.Groups[1].Value}\"", map.Groups[1].Value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheSessionHintFollowsTheSession()
    {
        using var person = new ObservatoryClient(Host.BaseAddress);
        var name = "hint" + Guid.NewGuid().ToString("N")[..8];
        Assert.True((await person.SignUpAsync(name, name + "@example.org")).IsSuccessStatusCode);
        var hint = person.Cookies.GetCookies(Host.BaseAddress)["fs-user"];
        Assert.NotNull(hint);
        Assert.Equal($"{person.UserId}:{name}", Uri.UnescapeDataString(hint.Value));
        Assert.False(hint.HttpOnly);
        // No expiry of its own: it ends with the browser session, as the (not persistent) sign-in cookie does.
        Assert.Equal(DateTime.MinValue, hint.Expires);
        Assert.True(person.Cookies.GetCookies(Host.BaseAddress)["florascope"]!.HttpOnly);

        // A forged or stale hint never signs anyone in, and is taken back.
        using var stranger = new ObservatoryClient(Host.BaseAddress);
        stranger.Cookies.Add(Host.BaseAddress, new Cookie("fs-user", $"{person.UserId}:{name}"));
        using (var session = await stranger.Http.GetAsync("/api/account/session", Ct))
            Assert.Equal(HttpStatusCode.NoContent, session.StatusCode);
        Assert.Null(stranger.Cookies.GetCookies(Host.BaseAddress)["fs-user"]);

        using (var signOut = await person.PostFormAsync("/api/account/signout", []))
            Assert.True(signOut.IsSuccessStatusCode);
        Assert.Null(person.Cookies.GetCookies(Host.BaseAddress)["fs-user"]);
    }

    [GeneratedRegex("<script type=\"application/json\" id=\"boot\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex BootBlock();

    [GeneratedRegex("<header class=\"bar\">.*?</header>", RegexOptions.Singleline)]
    private static partial Regex HeaderElement();

    [GeneratedRegex("<script type=\"importmap\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ImportMapBlock();

    [GeneratedRegex("<script\\b[^>]*>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("rel=\"modulepreload\" href=\"([^\"?]+)")]
    private static partial Regex Preload();
}
