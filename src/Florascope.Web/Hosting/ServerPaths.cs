using Florascope.Bundles;

namespace Florascope.Web.Hosting;

/// <summary>The folders the server reads and writes, resolved once at start-up.</summary>
public sealed class ServerPaths(string dataDirectory, string imageDirectory, ModelBundle bundle)
{
    private readonly HashSet<string> _references = bundle.References.Images.Where(i => i.Label >= 0).Select(i => i.Path).ToHashSet(StringComparer.Ordinal);

    public string DataDirectory { get; } = dataDirectory;
    public string ImageDirectory { get; } = imageDirectory;

    public bool IsReference(string path) => _references.Contains(path);
}
