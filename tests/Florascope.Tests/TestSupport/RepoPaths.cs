namespace Florascope.Tests.TestSupport;

/// <summary>Paths of the repository the tests run from (data/, models/), found from the test binaries.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder holding Florascope.slnx.</summary>
    public static string Root => LazyRoot.Value;

    public static string Data => Path.Combine(Root, "data");

    public static string DemoFlora => Path.Combine(Data, "demo-flora");

    public static string Checklist => Path.Combine(DemoFlora, "checklist.tsv");

    public static string ValPhotos => Path.Combine(DemoFlora, "val");

    public static string NonPlantsVal => Path.Combine(Data, "non-plants", "val");

    public static string ModelBundle => Path.Combine(Root, "models", "demo");

    /// <summary>The val photos of one taxon folder, in a stable order.</summary>
    public static string[] ValPhotosOf(string folder) =>
        [.. Directory.GetFiles(Path.Combine(ValPhotos, folder), "*.jpg").Order(StringComparer.Ordinal)];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Florascope.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Florascope.slnx above {AppContext.BaseDirectory}.");
    }
}
