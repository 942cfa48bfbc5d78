using Florascope.Engine;
using Florascope.Tests.TestSupport;

[assembly: AssemblyFixture(typeof(BackboneFixture))]

namespace Florascope.Tests.TestSupport;

/// <summary>One ResNet18 session for the whole test assembly: loading it takes about a second.</summary>
public sealed class BackboneFixture : IDisposable
{
    public BackboneFixture()
    {
        Backbone = new Backbone();
        Embedder = new Embedder(Backbone);
    }

    public Backbone Backbone { get; }

    public Embedder Embedder { get; }

    public void Dispose() => Backbone.Dispose();
}
