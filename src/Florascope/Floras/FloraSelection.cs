namespace Florascope.Floras;

/// <summary>The occurrences of each side; species with too few photos, left out.</summary>
public sealed record FloraSplit(IReadOnlyList<FloraOccurrence> Train, IReadOnlyList<FloraOccurrence> Validation,
    IReadOnlyList<(FloraTaxon Taxon, int Photos)> TooFew);

/// <summary>Pure choices over occurrences: how many photos per species, and the train/validation split by occurrence.</summary>
public static class FloraSelection
{
    /// <summary>
    /// Before downloading: at most <paramref name="maxImages"/> photos per species, taking whole
    /// occurrences in a deterministic order (a rerun chooses the same ones).
    /// </summary>
    public static IReadOnlyList<FloraOccurrence> Cap(IReadOnlyList<FloraOccurrence> occurrences, int maxImages) =>
        throw new NotImplementedException();

    /// <summary>
    /// After downloading (occurrences hold only the photos that arrived): species with fewer than
    /// <paramref name="minImages"/> photos are left out; the others are split by occurrence, never
    /// by photo, about <paramref name="validationFraction"/> of each species' photos on the validation
    /// side, deterministically.
    /// </summary>
    public static FloraSplit Split(IReadOnlyList<FloraOccurrence> occurrences, int minImages, double validationFraction = 0.2) =>
        throw new NotImplementedException();
}
