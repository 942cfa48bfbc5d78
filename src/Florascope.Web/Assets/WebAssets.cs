using System.Text;
using Microsoft.Net.Http.Headers;

namespace Florascope.Web.Assets;

/// <summary>One file of wwwroot as it was at start-up: its hash, and the length and time that say whether it is still that file.</summary>
public sealed record AssetFile(string Path, string Hash, long Length, DateTimeOffset LastModified);

/// <summary>A page as served: its HTML with versioned asset URLs, and the ETag of those bytes.</summary>
public sealed record RenderedPage(string Name, string Html, byte[] Utf8, string Hash)
{
    public EntityTagHeaderValue ETag { get; } = new($"\"{Hash}\"");
}

/// <summary>
/// wwwroot read once at start-up (the files stay plain and hand-editable; a restart picks up edits):
/// the hash of every file, the pages with <c>?v=hash</c> on their asset URLs, and the service
/// worker's precache list (the app shell) built from the same files.
/// </summary>
public sealed class WebAssets
{
    /// <summary>The service worker's template; served filled in, never as it is on disk.</summary>
    public const string ServiceWorkerPath = "/sw.js";

    private readonly Dictionary<string, AssetFile> _files;
    private readonly Dictionary<string, RenderedPage> _pages;
    private readonly string _serviceWorkerTemplate;
    private readonly Dictionary<string, string> _stylesheets;

    private WebAssets(Dictionary<string, AssetFile> files, Dictionary<string, RenderedPage> pages, string serviceWorkerTemplate, Dictionary<string, string> stylesheets,
        string importMap, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> texts)
    {
        _files = files;
        _pages = pages;
        _serviceWorkerTemplate = serviceWorkerTemplate;
        _stylesheets = stylesheets;
        ImportMap = importMap;
        ImportMapSource = "'sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(importMap))) + "'";
        Texts = texts;
    }

    /// <summary>The shared header every page carries in place of <c>&lt;!--#header--&gt;</c>.</summary>
    public const string HeaderPath = "partials/header.html";

    /// <summary>The import map of the ES modules, the same in every page.</summary>
    public string ImportMap { get; }

    /// <summary>The CSP source allowing that inline import map (<c>'sha256-...'</c>), and no other inline script.</summary>
    public string ImportMapSource { get; }

    /// <summary>The translations, by language then key (wwwroot/i18n/{lang}.json).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Texts { get; }

    /// <summary>Every file by its URL path (<c>/js/app.js</c>), pages and the service worker excepted.</summary>
    public IReadOnlyDictionary<string, AssetFile> Files => _files;

    public static WebAssets Load(string webRoot)
    {
        var files = new Dictionary<string, AssetFile>(StringComparer.Ordinal);
        var pages = new Dictionary<string, string>(StringComparer.Ordinal);
        var stylesheets = new Dictionary<string, string>(StringComparer.Ordinal);
        var root = new DirectoryInfo(webRoot);
        foreach (var info in root.EnumerateFiles("*", SearchOption.AllDirectories))
        {
            var path = "/" + Path.GetRelativePath(root.FullName, info.FullName).Replace(Path.DirectorySeparatorChar, '/');
            // The static file server never serves dot files; neither are they assets.
            if (path.Contains("/.", StringComparison.Ordinal)) continue;
            if (path.Count(c => c == '/') == 1 && path.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
            {
                pages[Path.GetFileNameWithoutExtension(path)] = File.ReadAllText(info.FullName);
                continue;
            }
            if (path == ServiceWorkerPath) continue;
            var bytes = File.ReadAllBytes(info.FullName);
            files[path] = new AssetFile(path, AssetFingerprints.Of(bytes), info.Length, new DateTimeOffset(info.LastWriteTimeUtc));
            if (path.EndsWith(".css", StringComparison.OrdinalIgnoreCase)) stylesheets[path] = Encoding.UTF8.GetString(bytes);
        }
        var template = File.ReadAllText(Path.Combine(root.FullName, ServiceWorkerPath.TrimStart('/')));
        var header = File.Exists(Path.Combine(root.FullName, HeaderPath)) ? File.ReadAllText(Path.Combine(root.FullName, HeaderPath)) : "";
        var modules = files.Keys.Where(p => p.StartsWith("/js/", StringComparison.Ordinal) && p.EndsWith(".js", StringComparison.Ordinal)).ToList();
        var importMap = AssetFingerprints.ImportMap(modules.Select(p => (p, files[p].Hash)));
        var imports = modules.ToDictionary(p => p, p => AssetFingerprints.ModuleImports(File.ReadAllText(Path.Combine(root.FullName, p.TrimStart('/'))), p), StringComparer.Ordinal);
        var texts = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var file in root.GetDirectories("i18n").SelectMany(d => d.EnumerateFiles("*.json")))
            texts[Path.GetFileNameWithoutExtension(file.Name)] = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file.FullName)) ?? [];
        var rendered = pages.ToDictionary(p => p.Key, p =>
        {
            var page = AssetFingerprints.WithModules(PageTranslation.WithHeader(p.Value, header), importMap,
                path => imports.TryGetValue(path, out var list) ? list : []);
            var html = AssetFingerprints.AddVersions(page, path => files.TryGetValue(path, out var f) ? f.Hash : null);
            var utf8 = Encoding.UTF8.GetBytes(html);
            return new RenderedPage(p.Key, html, utf8, AssetFingerprints.Of(utf8));
        }, StringComparer.Ordinal);
        return new WebAssets(files, rendered, template, stylesheets, importMap, texts);
    }

    /// <summary>The page <c>wwwroot/{name}.html</c> as served.</summary>
    public RenderedPage Page(string name) =>
        _pages.TryGetValue(name, out var page) ? page : throw new InvalidOperationException($"No page wwwroot/{name}.html.");

    /// <summary>
    /// Whether a request for <paramref name="path"/> with version <paramref name="version"/> is the file
    /// hashed at start-up, still unchanged on disk: only then may it be cached for a year.
    /// </summary>
    public bool IsCurrent(string path, string? version, long length, DateTimeOffset lastModified) =>
        version is { Length: > 0 } && _files.TryGetValue(path, out var f) && f.Hash == version && f.Length == length && f.LastModified == lastModified;

    /// <summary>
    /// The app shell the service worker precaches, as the URLs the browser will ask for: the given
    /// page routes, then with their hashes the files the pages reference, what those stylesheets
    /// load, every script, stylesheet and translation (also those loaded at run time), and the
    /// files at the top of wwwroot (icon, manifest). Libraries under /lib no page uses are left out.
    /// </summary>
    public IReadOnlyList<string> Shell(IEnumerable<string> pageRoutes, IEnumerable<string> pageNames)
    {
        var wanted = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in pageNames)
            foreach (var path in AssetFingerprints.References(Page(name).Html).Where(_files.ContainsKey))
            {
                wanted.Add(path);
                if (_stylesheets.TryGetValue(path, out var css))
                    wanted.UnionWith(AssetFingerprints.StylesheetReferences(css, path).Where(_files.ContainsKey));
            }
        wanted.UnionWith(_files.Keys.Where(p => p.StartsWith("/js/", StringComparison.Ordinal) || p.StartsWith("/css/", StringComparison.Ordinal)
            || p.StartsWith("/i18n/", StringComparison.Ordinal) || p.Count(c => c == '/') == 1));
        return [.. pageRoutes.Distinct(StringComparer.Ordinal), .. wanted.Select(p => AssetFingerprints.Versioned(p, _files[p].Hash))];
    }

    /// <summary>sw.js as served: the template with the shell of the given pages (route, page file) and a cache name that changes with any of them.</summary>
    public string ServiceWorker(IReadOnlyCollection<(string Route, string Page)> pages)
    {
        var shell = Shell(pages.Select(p => p.Route), pages.Select(p => p.Page).Distinct(StringComparer.Ordinal));
        return AssetFingerprints.ServiceWorker(_serviceWorkerTemplate, shell,
            [.. pages.Select(p => Page(p.Page).Hash), AssetFingerprints.Of(Encoding.UTF8.GetBytes(_serviceWorkerTemplate))]);
    }
}
