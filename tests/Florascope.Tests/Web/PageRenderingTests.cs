using System.Text.Json;
using Florascope.Web.Assets;

namespace Florascope.Tests.Web;

/// <summary>The pages as the server writes them (pure parts): the header, the texts of a language, the boot data, the modules.</summary>
public sealed class PageRenderingTests
{
    private static readonly Dictionary<string, JsonElement> Limits = new(StringComparer.Ordinal)
    {
        ["maxImagesPerRequest"] = JsonSerializer.SerializeToElement(5),
        ["maxRequestBytes"] = JsonSerializer.SerializeToElement(52428800),
        ["maxRequestSize"] = JsonSerializer.SerializeToElement("50 MB"),
    };

    [Fact]
    public void TextsAttributesAndTheRootFollowTheLanguage()
    {
        const string Html = """
            <html lang="en"><head><title data-i18n="t.title">Florascope · Map</title></head><body>
            <h1 data-i18n="t.h1">What is this plant?</h1><p data-i18n="t.missing">Kept</p>
            <input id="q" data-i18n-placeholder="t.hint" placeholder="Scientific name"><nav data-i18n-label="t.nav">x</nav>
            <span data-i18n="t.html">a</span></body></html>
            """;
        var texts = new Dictionary<string, string>
        {
            ["t.title"] = "Florascope · خريطة", ["t.h1"] = "ما هذا النبات؟", ["t.hint"] = "الاسم \"العلمي\"", ["t.nav"] = "الصفحات",
            ["t.html"] = "<b>&</b>",
        };
        var page = PageTranslation.Translate(Html, "ar", texts.GetValueOrDefault);
        Assert.StartsWith("<html lang=\"ar\" dir=\"rtl\">", page, StringComparison.Ordinal);
        Assert.Contains("<title data-i18n=\"t.title\">Florascope · خريطة</title>", page, StringComparison.Ordinal);
        Assert.Contains(">ما هذا النبات؟</h1>", page, StringComparison.Ordinal);
        Assert.Contains(">Kept</p>", page, StringComparison.Ordinal);
        Assert.Contains("placeholder=\"الاسم &quot;العلمي&quot;\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Scientific name", page, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"الصفحات\"", page, StringComparison.Ordinal);
        // A text is text: markup in a translation is escaped, never parsed.
        Assert.Contains(">&lt;b&gt;&amp;&lt;/b&gt;</span>", page, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"fr\" dir=\"ltr\">", PageTranslation.Translate(Html, "fr", _ => null), StringComparison.Ordinal);
    }

    [Fact]
    public void LimitsAreFilledInTheLanguagesNumbersAndAnUnknownOneKeepsThePagesWording()
    {
        Assert.Equal("Up to 5 photos, 50 MB (52,428,800 bytes)", PageTranslation.Fill("Up to {limit:maxImagesPerRequest} photos, {limit:maxRequestSize} ({limit:maxRequestBytes} bytes)", Limits, "en"));
        Assert.Equal("52 428 800", PageTranslation.Fill("{limit:maxRequestBytes}", Limits, "fr")!.Replace('\u202f', ' ').Replace('\u00a0', ' '));
        Assert.Null(PageTranslation.Fill("At most {limit:noSuchLimit}", Limits, "en"));
        Assert.Null(PageTranslation.Fill(null, Limits, "en"));
    }

    [Fact]
    public void TheHeaderIsWrittenInAndTheBootDataCannotCloseItsBlock()
    {
        var page = PageTranslation.WithHeader("<head></head><body><!--#header--><main></main></body>", "<header>H</header>\n");
        Assert.Equal("<head></head><body><header>H</header><main></main></body>", page);
        var booted = PageTranslation.WithBoot(page, "{\"texts\":{\"x\":\"</script><script>alert(1)</script>\"}}");
        Assert.StartsWith("<head><script type=\"application/json\" id=\"boot\">", booted, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(booted, "</script>"));
        var start = booted.IndexOf("id=\"boot\">", StringComparison.Ordinal) + "id=\"boot\">".Length;
        var json = booted[start..booted.IndexOf("</script>", StringComparison.Ordinal)];
        Assert.Equal("</script><script>alert(1)</script>", JsonDocument.Parse(json).RootElement.GetProperty("texts").GetProperty("x").GetString());
    }

    [Fact]
    public void ModulesAreMappedToTheirVersionsAndPreloadedTransitivelyOnce()
    {
        var imports = new Dictionary<string, IReadOnlyList<string>>
        {
            ["/js/app.js"] = AssetFingerprints.ModuleImports("""
                // a comment: import x from './nothing.js' is not at the start of a line
                import { t, el } from './shared.js';
                import {
                  florasReady,
                } from "./flora-choices.js";
                import '/js/side.js';
                const later = () => import('./lazy.js');
                """, "/js/app.js"),
            ["/js/flora-choices.js"] = AssetFingerprints.ModuleImports("import { t } from './shared.js';", "/js/flora-choices.js"),
        };
        Assert.Equal(["/js/shared.js", "/js/flora-choices.js", "/js/side.js"], imports["/js/app.js"]);
        var map = AssetFingerprints.ImportMap([("/js/shared.js", "aaaaaaaaaaaa"), ("/js/app.js", "bbbbbbbbbbbb")]);
        Assert.Equal("""{"imports":{"/js/app.js":"/js/app.js?v=bbbbbbbbbbbb","/js/shared.js":"/js/shared.js?v=aaaaaaaaaaaa"}}""", map);
        var page = AssetFingerprints.WithModules("""
            <html><head>
              <meta charset="utf-8">
              <title>x</title>
            </head><body><script type="module" src="/js/app.js"></script></body></html>
            """, map, p => imports.TryGetValue(p, out var list) ? list : []);
        var preloads = System.Text.RegularExpressions.Regex.Matches(page, "rel=\"modulepreload\" href=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["/js/shared.js", "/js/flora-choices.js", "/js/side.js"], preloads);
        // The import map comes before any module is asked for.
        Assert.True(page.IndexOf("type=\"importmap\"", StringComparison.Ordinal) < page.IndexOf("modulepreload", StringComparison.Ordinal));
        // A page without modules still has the map (the same in every page, the one inline script the CSP allows).
        Assert.Contains("type=\"importmap\"", AssetFingerprints.WithModules("<head><meta charset=\"utf-8\"></head><p>no modules</p>", map, _ => []), StringComparison.Ordinal);
    }
}
