using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Florascope.Web.Assets;

/// <summary>
/// Content hashes of the static files and what is derived from them (pure functions): the pages'
/// asset URLs with <c>?v=hash</c>, the files a page or a stylesheet references, the service worker's list.
/// </summary>
public static partial class AssetFingerprints
{
    /// <summary>The query parameter carrying a file's hash.</summary>
    public const string VersionParameter = "v";

    /// <summary>The first 12 hex digits of the SHA-256 of the bytes: 48 bits, ample to tell versions of one file apart.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..12];

    /// <summary>The absolute paths (<c>/js/app.js</c>) of the page's <c>src</c> and <c>href</c> attributes, without query or fragment, in order.</summary>
    public static IReadOnlyList<string> References(string html) =>
        [.. AttributeUrl().Matches(html).Select(m => m.Groups["path"].Value)];

    /// <summary>
    /// The page with <c>?v=hash</c> added to each <c>src</c>/<c>href</c> naming a file that has a hash
    /// (<paramref name="hashOf"/> answers null for routes such as <c>/map</c>); URLs that already carry a query are left alone.
    /// </summary>
    public static string AddVersions(string html, Func<string, string?> hashOf) =>
        AttributeUrl().Replace(html, m => m.Groups["query"].Success || hashOf(m.Groups["path"].Value) is not { } hash
            ? m.Value
            : $"{m.Groups["attr"].Value}=\"{Versioned(m.Groups["path"].Value, hash)}\"");

    /// <summary>The URL of a file at one version: <c>/js/app.js?v=0123456789ab</c>.</summary>
    public static string Versioned(string path, string hash) => $"{path}?{VersionParameter}={hash}";

    /// <summary>The files a stylesheet loads with <c>url(...)</c>, resolved against its own path (Leaflet's marker images); data: and fragment URLs skipped.</summary>
    public static IReadOnlyList<string> StylesheetReferences(string css, string stylesheetPath)
    {
        var folder = stylesheetPath[..(stylesheetPath.LastIndexOf('/') + 1)];
        var found = new List<string>();
        foreach (Match m in CssUrl().Matches(css))
        {
            var url = m.Groups["url"].Value.Split('?', '#')[0];
            if (url.Length == 0 || url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || url.Contains("//", StringComparison.Ordinal)) continue;
            var resolved = new Uri(new Uri("http://x" + folder), url).AbsolutePath;
            found.Add(resolved);
        }
        return found;
    }

    /// <summary>
    /// The service worker with its precache list and cache name filled in: <c>const SHELL = [];</c> and
    /// <c>const CACHE = 'florascope-dev';</c> in the template are replaced. The cache name is the hash of
    /// the list and of <paramref name="versionParts"/> (the pages' hashes, the template's), so a
    /// deployment that changes any of them makes browsers fetch the shell again.
    /// </summary>
    public static string ServiceWorker(string template, IReadOnlyList<string> shell, IEnumerable<string> versionParts)
    {
        const string ShellLine = "const SHELL = [];", CacheLine = "const CACHE = 'florascope-dev';";
        if (!template.Contains(ShellLine, StringComparison.Ordinal) || !template.Contains(CacheLine, StringComparison.Ordinal))
            throw new InvalidOperationException($"wwwroot/sw.js must contain the lines \"{ShellLine}\" and \"{CacheLine}\", which the server fills.");
        var version = Of(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', shell.Concat(versionParts))));
        return template
            .Replace(ShellLine, $"const SHELL = {JsonSerializer.Serialize(shell)};", StringComparison.Ordinal)
            .Replace(CacheLine, $"const CACHE = 'florascope-{version}';", StringComparison.Ordinal);
    }

    /// <summary>
    /// The import map of the pages' ES modules: each <c>/js/*.js</c> to its versioned URL, so that a
    /// module's plain <c>import ... from './shared.js'</c> loads the hashed, immutably cached file.
    /// </summary>
    public static string ImportMap(IEnumerable<(string Path, string Hash)> modules) =>
        JsonSerializer.Serialize(new { imports = modules.OrderBy(m => m.Path, StringComparer.Ordinal).ToDictionary(m => m.Path, m => Versioned(m.Path, m.Hash)) });

    /// <summary>The modules a module imports statically (<c>import ... from './x.js'</c>, <c>import '/js/x.js'</c>), as absolute paths.</summary>
    public static IReadOnlyList<string> ModuleImports(string script, string modulePath)
    {
        var folder = modulePath[..(modulePath.LastIndexOf('/') + 1)];
        return [.. StaticImport().Matches(script).Select(m => new Uri(new Uri("http://x" + folder), m.Groups["spec"].Value).AbsolutePath)];
    }

    /// <summary>
    /// The page with the import map first in its head and a <c>modulepreload</c> for every module its
    /// module scripts import (transitively), so all of them come in one round trip instead of a chain.
    /// </summary>
    public static string WithModules(string html, string importMap, Func<string, IReadOnlyList<string>> importsOf)
    {
        var entries = ModuleScript().Matches(html).Select(m => m.Groups["path"].Value).ToList();
        var seen = new HashSet<string>(entries, StringComparer.Ordinal);
        var order = new List<string>();
        var queue = new Queue<string>(entries);
        while (queue.TryDequeue(out var module))
            foreach (var dep in importsOf(module))
                if (seen.Add(dep)) { order.Add(dep); queue.Enqueue(dep); }
        var head = $"<script type=\"importmap\">{importMap}</script>\n"
            + string.Concat(order.Select(p => $"  <link rel=\"modulepreload\" href=\"{p}\">\n"));
        var at = html.IndexOf("<meta charset=\"utf-8\">", StringComparison.OrdinalIgnoreCase);
        at = at < 0 ? html.IndexOf("<head>", StringComparison.OrdinalIgnoreCase) + "<head>".Length : at + "<meta charset=\"utf-8\">".Length;
        return html.Insert(at, "\n  " + head);
    }

    [GeneratedRegex(@"^\s*import\s+(?:[^'"";]*?\sfrom\s+)?['""](?<spec>\.{1,2}/[^'""]+|/js/[^'""]+)['""]", RegexOptions.Multiline)]
    private static partial Regex StaticImport();

    [GeneratedRegex(@"<script\s+type=""module""\s+src=""(?<path>/[^""?#]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex ModuleScript();

    // Double-quoted absolute paths only (the pages' own style); "//host" is another origin.
    [GeneratedRegex(@"(?<attr>\b(?:src|href))\s*=\s*""(?<path>/(?!/)[^""?#]*)(?<query>[?#][^""]*)?""", RegexOptions.IgnoreCase)]
    private static partial Regex AttributeUrl();

    [GeneratedRegex(@"url\(\s*['""]?(?<url>[^'"")]+)['""]?\s*\)", RegexOptions.IgnoreCase)]
    private static partial Regex CssUrl();
}
