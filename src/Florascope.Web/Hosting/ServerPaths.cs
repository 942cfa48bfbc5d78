using Florascope.Bundles;
using Florascope.Web.Models;

namespace Florascope.Web.Hosting;

/// <summary>The folders the server reads and writes, resolved once at start-up, and the current model's reference photos.</summary>
public sealed class ServerPaths(string dataDirectory, string imageDirectory, ModelHost models)
{
    private sealed record ReferenceSet(ModelBundle Bundle, HashSet<string> Paths);

    private volatile ReferenceSet? _references;

    public string DataDirectory { get; } = dataDirectory;
    public string ImageDirectory { get; } = imageDirectory;

    /// <summary>Whether the path is one of the running model's reference photos (the only files /media serves).</summary>
    public bool IsReference(string path)
    {
        var bundle = models.Current.Bundle;
        var refs = _references;
        if (refs is null || !ReferenceEquals(refs.Bundle, bundle))
        {
            refs = new ReferenceSet(bundle, bundle.References.Images.Where(i => i.Label >= 0).Select(i => i.Path).ToHashSet(StringComparer.Ordinal));
            _references = refs;
        }
        return refs.Paths.Contains(path);
    }

    /// <summary>
    /// The file of one of the running model's reference photos (null for any other path): under the
    /// image folder, or under the bundle's folder for bundles that carry their photos (floras from GBIF).
    /// </summary>
    public string? ReferenceFile(string path)
    {
        if (!IsReference(path)) return null;
        var bundle = models.Current.Bundle;
        var root = bundle.Manifest.ReferencePhotos == ReferencePhotoRoot.Bundle && bundle.Directory is { } dir ? dir : ImageDirectory;
        return Path.Combine(root, path);
    }
}
