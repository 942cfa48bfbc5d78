using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Identification;

namespace Florascope.Cli;

/// <summary>Loads the model bundle and the network the way every command does.</summary>
public static class EngineFactory
{
    public static int Threads =>
        int.TryParse(Environment.GetEnvironmentVariable("FLORASCOPE_THREADS"), out var t) && t > 0 ? t : 0;

    public static Backbone CreateBackbone() => new(new BackboneOptions { IntraOpThreads = Threads });

    public static ModelBundle LoadBundle(string? directory) => ModelBundle.Load(directory ?? ModelBundle.DefaultDirectory);

    public static IdentificationEngine CreateEngine(ModelBundle bundle, Backbone backbone)
    {
        if (bundle.Manifest.Backbone.Sha256 != backbone.Sha256)
            throw new InvalidDataException($"The model {bundle.Manifest.Version} was trained on another backbone (SHA-256 {bundle.Manifest.Backbone.Sha256[..12]}, this one {backbone.Sha256[..12]}).");
        return new IdentificationEngine(bundle, new Embedder(backbone));
    }
}
