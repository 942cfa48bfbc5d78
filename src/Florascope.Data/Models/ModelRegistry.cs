using Florascope.Data.Observations;
using Florascope.Taxonomy;
using Florascope.Training;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Models;

/// <summary>
/// The learning loop's records: which photos the community validated (training data), and which
/// model is current. Promotion is one transaction, so every server polling the table sees either
/// the old or the new current model, never none or two.
/// </summary>
public static class ModelRegistry
{
    public static Task<ModelVersion?> CurrentAsync(FlorascopeDb db, CancellationToken ct = default) =>
        db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.IsCurrent, ct);

    /// <summary>Records a candidate and the decision; when promoted, it becomes the current model.</summary>
    public static async Task<ModelVersion> RecordAsync(FlorascopeDb db, ModelVersion candidate, CancellationToken ct = default)
    {
        if (await db.ModelVersions.AnyAsync(m => m.Version == candidate.Version, ct))
            throw new ArgumentException($"A model {candidate.Version} is already registered; give the new one another --version.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (candidate.Promoted)
        {
            await db.ModelVersions.Where(m => m.IsCurrent).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsCurrent, false), ct);
            candidate.IsCurrent = true;
        }
        db.ModelVersions.Add(candidate);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return candidate;
    }

    /// <summary>Makes a registered version current (a rollback, or a manual promotion).</summary>
    public static async Task PromoteAsync(FlorascopeDb db, string version, string reason, CancellationToken ct = default)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.ModelVersions.FirstOrDefaultAsync(m => m.Version == version, ct)
            ?? throw new ArgumentException($"No registered model {version}.");
        await db.ModelVersions.Where(m => m.IsCurrent).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsCurrent, false), ct);
        row.IsCurrent = true;
        row.Promoted = true;
        row.Decision = reason;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The photos of valid observations whose taxon is in the checklist, without the photos the
    /// community voted out (not a plant, poor quality, duplicate); each photo file once.
    /// </summary>
    public static async Task<List<LabelledImage>> ValidatedPhotosAsync(FlorascopeDb db, PhotoStore photos, Checklist checklist, CancellationToken ct = default)
    {
        var rows = await (from o in db.Observations.AsNoTracking()
                          join p in db.ObservationPhotos.AsNoTracking() on o.Id equals p.ObservationId
                          where o.IsValid && !o.IsSynthetic && o.TaxonName != null && p.ExcludedBecause == null
                          orderby o.Id, p.Position
                          select new { o.TaxonName, p.Sha256 }).ToListAsync(ct);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<LabelledImage>();
        foreach (var r in rows)
        {
            var label = checklist.IndexOf(r.TaxonName!);
            var path = photos.PathOf(r.Sha256, PhotoSize.Original);
            if (label < 0 || !seen.Add(r.Sha256) || !File.Exists(path)) continue;
            result.Add(new LabelledImage(path, label));
        }
        return result;
    }
}
