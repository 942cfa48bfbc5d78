using Florascope.Taxonomy;

namespace Florascope.Species;

/// <summary>Where a photo of a species page comes from: a validated observation, or the model's reference photos.</summary>
public enum GalleryPhotoKind { Observation, Reference }

/// <summary>
/// One photo of a species page: its organ, where it comes from, its URLs (small for the grid, medium for
/// the full-screen view), its credit, and the observation (or the source record) it belongs to.
/// </summary>
public sealed record GalleryPhoto(string Organ, GalleryPhotoKind Kind, string Small, string Medium, string Author, string License,
    int? ObservationId = null, string? Source = null, string? AuthorUserName = null);

/// <summary>The photos of a species page, by organ: the organs in a fixed order, observations' photos before the model's references.</summary>
/// <remarks>An observation's author is shown with <see cref="GalleryPhoto.AuthorUserName"/>, which nobody else can take.</remarks>
public static class SpeciesGallery
{
    /// <summary>The organs a species page shows, in order (a photo of an unknown organ is "other").</summary>
    public static IReadOnlyList<string> OrganOrder { get; } = ["leaf", "flower", "fruit", "bark", "habit", "other"];

    /// <summary>At most this many photos per organ: observations' first, the references filling the rest.</summary>
    public const int DefaultPerOrgan = 12;

    /// <summary>
    /// The organ a photo is shown under: the community's voted organ, else the one its author chose,
    /// else "other" (the author said "auto", or the value is none of the six).
    /// </summary>
    public static string OrganOf(string? voted, string? chosen) =>
        voted is { } v && IsShown(v) ? v : chosen is { } c && IsShown(c) ? c : "other";

    private static bool IsShown(string organ) => OrganOrder.Contains(organ);

    /// <summary>
    /// The page's photos: for each organ in <see cref="OrganOrder"/>, the observations' photos in the order
    /// given (newest first, say), then the references, at most <paramref name="perOrgan"/> in all; each photo
    /// (by its medium URL) once. Organs without photos are left out.
    /// </summary>
    public static List<GalleryPhoto> Build(IEnumerable<GalleryPhoto> observations, IEnumerable<GalleryPhoto> references, int perOrgan = DefaultPerOrgan)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var byOrgan = OrganOrder.ToDictionary(o => o, _ => new List<GalleryPhoto>(), StringComparer.Ordinal);
        foreach (var p in observations.Where(p => p.Kind == GalleryPhotoKind.Observation).Concat(references.Where(p => p.Kind == GalleryPhotoKind.Reference)))
        {
            var list = byOrgan[OrganOf(p.Organ, null)];
            if (list.Count < perOrgan && seen.Add(p.Medium)) list.Add(p with { Organ = OrganOf(p.Organ, null) });
        }
        return [.. OrganOrder.SelectMany(o => byOrgan[o])];
    }

    /// <summary>The organ a reference photo of <paramref name="taxon"/> is shown under: the taxon's demo organ, as the identification results give it.</summary>
    public static string ReferenceOrgan(Taxon taxon) => OrganOf(taxon.DemoOrgan, null);
}
