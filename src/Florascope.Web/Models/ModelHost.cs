using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Identification;
using Florascope.Taxonomy;

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
    // The loaded bundle as it is on disk and the imported projects composed into the running checklist.
    private ModelBundle _bundle = initial.Bundle;
    private IReadOnlyList<ImportedFlora> _floras = [];
    private readonly Lock _switch = new();

    public IdentificationEngine Current => _current;

    public string Version => _current.Bundle.Manifest.Version;

    /// <summary>Loads a bundle from disk and switches to it. Throws if it is unreadable or made for another backbone.</summary>
    public IdentificationEngine SwitchTo(string bundleDirectory)
    {
        var bundle = ModelBundle.Load(bundleDirectory);
        lock (_switch)
        {
            var engine = Compose(bundle, _floras);
            _bundle = bundle;
            _current = engine;
            return engine;
        }
    }

    /// <summary>The version of the imported projects now composed in (see ChecklistProjects.VersionAsync); null before the first load.</summary>
    public string? ProjectsVersion { get; private set; }

    /// <summary>
    /// Composes the imported projects into the running model's checklist (Checklist.WithProjects):
    /// same heads and references, so switching costs no loading; a model switch keeps them.
    /// </summary>
    public IdentificationEngine UseProjects(IReadOnlyList<ImportedFlora> floras, string version)
    {
        lock (_switch)
        {
            var engine = Compose(_bundle, floras);
            _floras = floras;
            ProjectsVersion = version;
            _current = engine;
            return engine;
        }
    }

    private IdentificationEngine Compose(ModelBundle bundle, IReadOnlyList<ImportedFlora> floras) =>
        new(floras.Count == 0 ? bundle : bundle.WithChecklist(bundle.Checklist.WithProjects(floras)),
            _current.Embedder, _current.Limits);
}
