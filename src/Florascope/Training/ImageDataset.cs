using Florascope.Taxonomy;

namespace Florascope.Training;

/// <summary>One labelled photo: its path and the index of its taxon (or -1 for a non-plant).</summary>
public sealed record LabelledImage(string Path, int Label);

/// <summary>Reads image folders: one sub-folder per taxon named by its scientific name.</summary>
public static class ImageDataset
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    public static List<LabelledImage> LoadTaxonFolders(string dir, Checklist checklist)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Data folder not found: {dir}");
        var folders = Directory.GetDirectories(dir).Order(StringComparer.Ordinal).ToList();
        var unknown = folders.Select(Path.GetFileName).Where(n => checklist.IndexOf(n!) < 0).ToList();
        if (unknown.Count > 0)
            throw new InvalidDataException($"Unknown taxa in {dir} (not in the checklist): {string.Join(", ", unknown)}");
        var items = new List<LabelledImage>();
        foreach (var folder in folders)
        {
            var label = checklist.IndexOf(Path.GetFileName(folder));
            items.AddRange(ImagesIn(folder).Select(p => new LabelledImage(p, label)));
        }
        if (items.Count == 0) throw new InvalidDataException($"No JPEG or PNG images under {dir}.");
        return items;
    }

    public static List<LabelledImage> LoadFlat(string dir, int label)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Folder not found: {dir}");
        var items = ImagesIn(dir, recursive: true).Select(p => new LabelledImage(p, label)).ToList();
        if (items.Count == 0) throw new InvalidDataException($"No JPEG or PNG images under {dir}.");
        return items;
    }

    /// <summary>The JPEG and PNG photos directly in a folder, in a stable (ordinal) order.</summary>
    public static IEnumerable<string> PhotosIn(string folder) => ImagesIn(folder);

    /// <summary>The scientific name a taxon folder stands for: <c>_</c> as a space (<c>Iris_×_germanica</c> is <c>Iris × germanica</c>).</summary>
    public static string TaxonName(string folder) =>
        string.Join(' ', Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)).Replace('_', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static IEnumerable<string> ImagesIn(string dir, bool recursive = false) =>
        Directory.EnumerateFiles(dir, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(p => Extensions.Contains(Path.GetExtension(p).ToLowerInvariant()))
            .Order(StringComparer.Ordinal);
}
