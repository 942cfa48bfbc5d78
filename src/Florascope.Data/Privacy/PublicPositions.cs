using Florascope.Data.Observations;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Privacy;

/// <summary>
/// Keeps <see cref="Observation.PublicLatitude"/>, <see cref="Observation.PublicLongitude"/> and
/// <see cref="Observation.PublicUncertaintyMeters"/> what <see cref="PublicPosition.Of"/> says. An
/// observation counts as threatened when its taxon, the model's suggestion or any current
/// identification names a taxon with an obscuring status: a wrong identification added by someone
/// else can then obscure a position but never reveal one.
/// </summary>
public static class PublicPositions
{
    /// <summary>
    /// Sets the public position of a tracked observation from its true position, geoprivacy and
    /// threat. Without the server's key (tools, tests) only positions that need none can be written.
    /// </summary>
    public static void Apply(Observation o, bool threatened, GeoprivacyKey? key)
    {
        GeoPosition? truePosition = o.Latitude is { } la && o.Longitude is { } lo ? new GeoPosition(la, lo, o.UncertaintyMeters) : null;
        var p = PublicPosition.Of(truePosition, PublicPosition.Effective(o.Geoprivacy, threatened), cell =>
            key?.CellOffset(cell) ?? throw new InvalidOperationException("Obscuring a position needs the server's geoprivacy key."));
        (o.PublicLatitude, o.PublicLongitude, o.PublicUncertaintyMeters) = p is { } q ? (q.Latitude, q.Longitude, q.UncertaintyMeters) : ((double?)null, (double?)null, (double?)null);
    }

    /// <summary>Applies the rule to a saved, tracked observation, reading its current identifications; the caller saves.</summary>
    public static async Task ApplyAsync(FlorascopeDb db, Observation o, GeoprivacyKey? key, CancellationToken ct = default)
    {
        var identified = await db.Identifications.Where(i => i.ObservationId == o.Id && i.IsCurrent && i.TaxonName != null)
            .Select(i => i.TaxonName).ToListAsync(ct);
        Apply(o, await ThreatStatusStore.AnyObscuringAsync(db, identified.Append(o.TaxonName).Append(o.ModelTaxonName), ct), key);
    }

    /// <summary>
    /// Fixes every observation whose public position no longer follows the rule after threat
    /// statuses or taxa changed (the revision batch, `florascope threats`): an open observation of
    /// a threatened taxon still showing its true position, or one no longer threatened still
    /// obscured. Only those rows are read and written. Returns how many changed.
    /// </summary>
    public static async Task<int> RefreshAsync(FlorascopeDb db, GeoprivacyKey key, CancellationToken ct = default)
    {
        List<string?> threatened = [.. await ThreatStatusStore.ObscuringNamesAsync(db, ct)];
        var changed = 0;
        var last = 0;
        while (true)
        {
            var batch = await db.Observations
                .Where(o => o.Id > last && o.Geoprivacy == Geoprivacy.Open)
                .Select(o => new
                {
                    Row = o,
                    Threatened = threatened.Contains(o.TaxonName) || threatened.Contains(o.ModelTaxonName)
                        || db.Identifications.Any(i => i.ObservationId == o.Id && i.IsCurrent && threatened.Contains(i.TaxonName)),
                })
                .Where(x => x.Threatened
                    // Threatened yet showing its true position.
                    ? x.Row.Latitude != null && x.Row.PublicLatitude == x.Row.Latitude && x.Row.PublicLongitude == x.Row.Longitude
                    // Not threatened yet not showing its true position.
                    : (x.Row.Latitude == null && x.Row.PublicLatitude != null)
                      || (x.Row.Latitude != null && (x.Row.PublicLatitude != x.Row.Latitude || x.Row.PublicLongitude != x.Row.Longitude
                          || x.Row.PublicUncertaintyMeters != x.Row.UncertaintyMeters)))
                .OrderBy(x => x.Row.Id).Take(1000).ToListAsync(ct);
            if (batch.Count == 0) return changed;
            foreach (var x in batch) Apply(x.Row, x.Threatened, key);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            changed += batch.Count;
            last = batch[^1].Row.Id;
        }
    }
}
