namespace Florascope.Taxonomy;

/// <summary>A rough bounding box in degrees, used to put the floras covering a point first.</summary>
public sealed record GeoBox(double MinLatitude, double MaxLatitude, double MinLongitude, double MaxLongitude)
{
    public bool Contains(double latitude, double longitude) =>
        latitude >= MinLatitude && latitude <= MaxLatitude && longitude >= MinLongitude && longitude <= MaxLongitude;
}

/// <summary>
/// A flora as the API describes it; <c>TaxonCount</c> is counted in the model's checklist (the
/// identifiable taxa); <c>KnownOnly</c>, the accepted names of an imported checklist the model does not know.
/// </summary>
public sealed record FloraProject(string Id, string Title, string Description, GeoBox? Extent, int TaxonCount, int KnownOnly = 0, bool Imported = false);

/// <summary>
/// The floras' titles, descriptions and extents. The checklist says which projects a model knows
/// and their taxa; this table only describes them, so a project missing here is still listed (its
/// id as title) and numbers are never written by hand.
/// </summary>
public static class ProjectCatalogue
{
    private sealed record Entry(string Title, string Description, GeoBox? Extent);

    // {0} is the project's number of taxa in the running model's checklist.
    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal)
    {
        [Checklist.AllProject] = new("All taxa", "Every taxon the model knows ({0} taxa).", null),
        ["weurope"] = new("Western Europe", "Wild and naturalised plants of Western Europe ({0} taxa).", new GeoBox(34, 72, -25, 25)),
        ["namerica"] = new("North America", "Plants of North America: Canada, the United States, Mexico ({0} taxa).", new GeoBox(14, 84, -170, -50)),
        ["useful"] = new("Useful plants", "Cultivated and useful plants, worldwide ({0} taxa).", null),
    };

    /// <summary>The checklist's projects, in its order.</summary>
    public static IReadOnlyList<FloraProject> Describe(Checklist checklist) =>
        [.. checklist.Projects.Select(p => Describe(checklist, p, checklist.Taxa.Count(t => t.InProject(p))))];

    /// <summary>The checklist's projects, those whose extent contains the point first (a stable order otherwise).</summary>
    public static IReadOnlyList<FloraProject> CoveringFirst(Checklist checklist, double latitude, double longitude) =>
        [.. Describe(checklist).OrderByDescending(p => p.Extent?.Contains(latitude, longitude) == true)];

    private static FloraProject Describe(Checklist checklist, string id, int taxa) =>
        checklist.ImportedProjects.TryGetValue(id, out var imported)
            ? new FloraProject(id, imported.Title, imported.Description, null, taxa, imported.KnownOnly.Count, Imported: true)
        : Entries.TryGetValue(id, out var e)
            ? new FloraProject(id, e.Title, string.Format(System.Globalization.CultureInfo.InvariantCulture, e.Description, taxa), e.Extent, taxa)
            : new FloraProject(id, id, "", null, taxa);
}
