using System.Security.Cryptography;
using System.Text;
using Florascope.Web.Assets;

namespace Florascope.Tests.Web;

/// <summary>The pure parts of fingerprinting: versioned URLs in a page, a stylesheet's files, the service worker's list.</summary>
public sealed class AssetFingerprintsTests
{
    private static string? Known(string path) => path switch
    {
        "/js/app.js" => "0123456789ab",
        "/css/site.css" => "ba9876543210",
        "/icon.svg" => "aaaaaaaaaaaa",
        _ => null,
    };

    [Fact]
    public void AFingerprintIsTheFirst12HexOfTheSha256()
    {
        var bytes = Encoding.UTF8.GetBytes("console.log(1);");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes))[..12], AssetFingerprints.Of(bytes));
        Assert.NotEqual(AssetFingerprints.Of(bytes), AssetFingerprints.Of(Encoding.UTF8.GetBytes("console.log(2);")));
    }

    [Fact]
    public void OnlyFilesGetTheirHashRoutesQueriesAndOtherOriginsStayAsWritten()
    {
        const string Html = """
            <link rel="stylesheet" href="/css/site.css"><link rel="icon" HREF="/icon.svg">
            <a href="/map">Map</a> <a href="/account?return=/app">Sign in</a> <script src="/js/app.js?v=old"></script>
            <script src="//cdn.example/js/app.js"></script> <img src="photo.jpg"> <script src="/js/app.js"></script>
            """;
        var result = AssetFingerprints.AddVersions(Html, Known);
        Assert.Contains("href=\"/css/site.css?v=ba9876543210\"", result, StringComparison.Ordinal);
        Assert.Contains("HREF=\"/icon.svg?v=aaaaaaaaaaaa\"", result, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/map\">", result, StringComparison.Ordinal);
        Assert.Contains("href=\"/account?return=/app\"", result, StringComparison.Ordinal);
        Assert.Contains("src=\"/js/app.js?v=old\"", result, StringComparison.Ordinal);
        Assert.Contains("src=\"//cdn.example/js/app.js\"", result, StringComparison.Ordinal);
        Assert.Contains("src=\"photo.jpg\"", result, StringComparison.Ordinal);
        Assert.EndsWith("<script src=\"/js/app.js?v=0123456789ab\"></script>", result, StringComparison.Ordinal);
        Assert.Equal(["/css/site.css", "/icon.svg", "/map", "/account", "/js/app.js", "/js/app.js"], AssetFingerprints.References(Html));
    }

    [Fact]
    public void AStylesheetsFilesAreResolvedAgainstItsFolder()
    {
        const string Css = ".a{background:url(images/layers.png)} .b{background-image:url('../x/y.png?1')} .c{behavior:url(#default#VML)} "
            + ".d{background:url(data:image/png;base64,AAAA)} .e{background:url(\"/icon.svg\")} .f{background:url(https://other.example/a.png)}";
        Assert.Equal(["/lib/leaflet/images/layers.png", "/lib/x/y.png", "/icon.svg"], AssetFingerprints.StylesheetReferences(Css, "/lib/leaflet/leaflet.css"));
    }

    [Fact]
    public void TheServiceWorkerGetsItsListAndACacheNameThatFollowsTheFiles()
    {
        const string Template = "const SHELL = [];\nconst CACHE = 'florascope-dev';\nself.x = 1;";
        var first = AssetFingerprints.ServiceWorker(Template, ["/app", "/js/app.js?v=0123456789ab"], ["p1"]);
        Assert.Contains("const SHELL = [\"/app\",\"/js/app.js?v=0123456789ab\"];", first, StringComparison.Ordinal);
        Assert.DoesNotContain("florascope-dev", first, StringComparison.Ordinal);
        Assert.EndsWith("self.x = 1;", first, StringComparison.Ordinal);
        // Same files, same name; a page or a file changed, a new name (the new deployment's cache).
        Assert.Equal(first, AssetFingerprints.ServiceWorker(Template, ["/app", "/js/app.js?v=0123456789ab"], ["p1"]));
        Assert.NotEqual(first, AssetFingerprints.ServiceWorker(Template, ["/app", "/js/app.js?v=0123456789ab"], ["p2"]));
        Assert.NotEqual(first, AssetFingerprints.ServiceWorker(Template, ["/app", "/js/app.js?v=ffffffffffff"], ["p1"]));
        Assert.Throws<InvalidOperationException>(() => AssetFingerprints.ServiceWorker("const SHELL = ['/a'];", [], []));
    }
}
