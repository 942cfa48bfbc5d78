using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Identification;

namespace Florascope.Web.Models;

/// <summary>
/// The model the server identifies with, switchable while it runs. Each request resolves the
/// engine once (it is registered per request scope), so a request in flight finishes on the model
/// it started with while new requests get the new one: a switch fails nothing. All models share
/// one backbone session; only the heads and the reference index change.
/// </summary>
public sealed class ModelHost(IdentificationEngine initial)
{
    private volatile IdentificationEngine _current = initial;

    public IdentificationEngine Current => _current;

    public string Version => _current.Bundle.Manifest.Version;

    /// <summary>Loads a bundle from disk and switches to it. Throws if it is unreadable or made for another backbone.</summary>
    public IdentificationEngine SwitchTo(string bundleDirectory)
    {
        var bundle = ModelBundle.Load(bundleDirectory);
        var engine = new IdentificationEngine(bundle, _current.Embedder, _current.Limits);
        _current = engine;
        return engine;
    }
}
