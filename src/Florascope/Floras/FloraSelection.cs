using System.Text;

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
    /// <remarks>
    /// Occurrences are taken in the order of a stable hash of their id (not the file's order, which
    /// groups by dataset and date); one that would overflow the cap is passed over for smaller ones.
    /// The result keeps the input's order.
    /// </remarks>
    public static IReadOnlyList<FloraOccurrence> Cap(IReadOnlyList<FloraOccurrence> occurrences, int maxImages)
    {
        ArgumentNullException.ThrowIfNull(occurrences);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxImages, 1);
        var chosen = new HashSet<FloraOccurrence>(ReferenceEqualityComparer.Instance);
        foreach (var group in occurrences.GroupBy(o => o.Taxon.SpeciesKey, StringComparer.Ordinal))
        {
            var photos = 0;
            foreach (var occurrence in InHashOrder(group, "cap"))
            {
                if (occurrence.Photos.Count == 0 || photos + occurrence.Photos.Count > maxImages) continue;
                photos += occurrence.Photos.Count;
                chosen.Add(occurrence);
                if (photos == maxImages) break;
            }
        }
        return [.. occurrences.Where(chosen.Contains)];
    }

    /// <summary>
    /// After downloading (occurrences hold only the photos that arrived): species with fewer than
    /// <paramref name="minImages"/> photos are left out; the others are split by occurrence, never
    /// by photo, about <paramref name="validationFraction"/> of each species' photos on the validation
    /// side, deterministically.
    /// </summary>
    /// <remarks>
    /// Occurrences without photos are on neither side. Per species, occurrences go to validation in
    /// stable-hash order when that brings its photo count closer to the target; a species with two
    /// occurrences or more gets at least one on each side (unless the fraction is 0: no validation).
    /// </remarks>
    public static FloraSplit Split(IReadOnlyList<FloraOccurrence> occurrences, int minImages, double validationFraction = 0.2)
    {
        ArgumentNullException.ThrowIfNull(occurrences);
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in [0, 1).");
        var validation = new HashSet<FloraOccurrence>(ReferenceEqualityComparer.Instance);
        var tooFewSpecies = new HashSet<string>(StringComparer.Ordinal);
        var tooFew = new List<(FloraTaxon Taxon, int Photos)>();
        foreach (var group in occurrences.Where(o => o.Photos.Count > 0).GroupBy(o => o.Taxon.SpeciesKey, StringComparer.Ordinal))
        {
            var members = group.ToList();
            var photos = members.Sum(o => o.Photos.Count);
            if (photos < minImages)
            {
                tooFewSpecies.Add(group.Key);
                tooFew.Add((members[0].Taxon, photos));
                continue;
            }
            if (validationFraction == 0 || members.Count < 2) continue;
            var target = validationFraction * photos;
            var taken = 0;
            var takenCount = 0;
            foreach (var occurrence in InHashOrder(members, "split"))
            {
                // The last occurrence left stays on the training side.
                if (takenCount + 1 >= members.Count) break;
                var n = occurrence.Photos.Count;
                if (takenCount > 0 && Math.Abs(taken + n - target) >= Math.Abs(taken - target)) continue;
                validation.Add(occurrence);
                taken += n;
                takenCount++;
            }
        }
        var kept = occurrences.Where(o => o.Photos.Count > 0 && !tooFewSpecies.Contains(o.Taxon.SpeciesKey)).ToList();
        return new FloraSplit(
            [.. kept.Where(o => !validation.Contains(o))],
            [.. kept.Where(validation.Contains)],
            [.. tooFew.OrderBy(t => t.Taxon.Name, StringComparer.Ordinal).ThenBy(t => t.Taxon.SpeciesKey, StringComparer.Ordinal)]);
    }

    /// <summary>Occurrences ordered by a stable hash of their id (salted per use), ties by id: the same on every run and machine.</summary>
    private static IEnumerable<FloraOccurrence> InHashOrder(IEnumerable<FloraOccurrence> occurrences, string salt) =>
        occurrences.OrderBy(o => StableHash(salt + ":" + o.OccurrenceId)).ThenBy(o => o.OccurrenceId, StringComparer.Ordinal);

    /// <summary>FNV-1a over the UTF-8 bytes, then the murmur3 finaliser so that ids differing in one digit spread apart.</summary>
    public static ulong StableHash(string value)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return hash;
    }
}
