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

    public static IdentificationEngine CreateEngine(ModelBundle bundle, Backbone backbone) => new(bundle, new Embedder(backbone));
}
