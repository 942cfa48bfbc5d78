using System.Globalization;
using System.Text.Json;
using Florascope.Bundles;
using Florascope.Data.Observations;
using Florascope.Engine;
using Florascope.Evaluation;
using Florascope.Taxonomy;
using Florascope.Training;
using Microsoft.EntityFrameworkCore;
using Florascope.Messages;

namespace Florascope.Data.Models;

/// <summary>A trained bundle offered for promotion: where it was saved, and how many of its training photos came from observations.</summary>
public sealed record CandidateModel(ModelBundle Bundle, string Directory, int ObservationPhotos);

/// <summary>The fixed evaluation set every candidate and the current model are measured on: taxon folders, and optional non-plant photos.</summary>
public sealed record EvaluationSet(string PlantsDirectory, string? NonPlantsDirectory);

/// <summary>One model measured on the evaluation set: macro MRR (what promotion compares), the metrics as stored, a one-line summary.</summary>
public sealed record ModelEvaluation(string Version, double MacroMrr, string MetricsJson, string Summary);

/// <summary>What a registration recorded and decided.</summary>
public sealed record Registration(ModelVersion Row, ModelEvaluation Candidate, ModelEvaluation Current, PromotionDecision Decision);

/// <summary>
/// The learning loop's records: which photos the community validated (training data), and which
/// model is current. Promotion is one transaction, so every server polling the table sees either
/// the old or the new current model, never none or two.
/// </summary>
/// <summary>Why the registry refused: typed, so that the CLI and any server job map it alike.</summary>
public enum ModelRegistryError
{
    AlreadyRegistered,
    NotRegistered,
    /// <summary>The bundle is neither in the shared object store nor on this node's disk.</summary>
    BundleMissing,
}

public sealed class ModelRegistryException(ModelRegistryError error, MessageText text) : Exception(text.English)
{
    public ModelRegistryException(ModelRegistryError error, string message) : this(error, MessageText.Untranslated(message)) { }

    /// <summary>The message with its translation key and values (the observatory API answers it in the request's language).</summary>
    public MessageText Text { get; } = text;
    public ModelRegistryError Error { get; } = error;
}

public static class ModelRegistry
{
    public static Task<ModelVersion?> CurrentAsync(FlorascopeDb db, CancellationToken ct = default) =>
        db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.IsCurrent, ct);

    /// <summary>
    /// Registration of a trained candidate, for the CLI and any server job: evaluates it and the
    /// current model (else <paramref name="fallbackBaseline"/>, else the shipped demo model) on the same
    /// photos, decides by <see cref="Promotion.Decide"/>, and records both in model_versions.
    /// With a shared <paramref name="bundles"/> store the bundle is uploaded first, so that every node can load it.
    public static async Task<Registration> RegisterAsync(FlorascopeDb db, CandidateModel candidate, EvaluationSet evaluation, string? fallbackBaseline,
        double maxDrop, Embedder embedder, EmbeddingCache cache, TimeProvider clock, CancellationToken ct = default, BundleStore? bundles = null)
    {
        // Refused before the evaluations, which take minutes.
        if (await db.ModelVersions.AnyAsync(m => m.Version == candidate.Bundle.Manifest.Version, ct))
            throw new ModelRegistryException(ModelRegistryError.AlreadyRegistered, $"A model {candidate.Bundle.Manifest.Version} is already registered; give the new one another --version.");
        var current = await CurrentAsync(db, ct);
        var baseline = ModelBundle.Load(current is null ? fallbackBaseline ?? ModelBundle.DefaultDirectory
            : current.BundleKey is { } key && bundles is { IsShared: true } ? await bundles.FetchAsync(key, ct) : current.Path);
        var candidateResult = Evaluate(candidate.Bundle, evaluation, embedder, cache);
        var baselineResult = Evaluate(baseline, evaluation, embedder, cache);
        var decision = Promotion.Decide(candidateResult.MacroMrr, baselineResult.MacroMrr, maxDrop);
        var bundleKey = bundles is { IsShared: true } ? await bundles.UploadAsync(candidate.Bundle.Manifest.Version, candidate.Directory, ct) : null;
        var row = await RecordAsync(db, new ModelVersion
        {
            Version = candidate.Bundle.Manifest.Version,
            Path = candidate.Directory,
            BundleKey = bundleKey,
            CreatedUtc = clock.GetUtcNow().UtcDateTime,
            MetricsJson = candidateResult.MetricsJson,
            BaselineVersion = baseline.Manifest.Version,
            BaselineMetricsJson = baselineResult.MetricsJson,
            Promoted = decision.Promote,
            Decision = decision.Reason,
            ObservationPhotos = candidate.ObservationPhotos,
        }, ct);
        return new Registration(row, candidateResult, baselineResult, decision);
    }

    /// <summary>A model on the evaluation set, with the identification policy of its own manifest (embeddings cached).</summary>
    public static ModelEvaluation Evaluate(ModelBundle bundle, EvaluationSet set, Embedder embedder, EmbeddingCache cache)
    {
        var views = Evaluator.PolicyViews(bundle.Manifest.Inference);
        EmbeddedSet Embed(List<LabelledImage> items) => new(items, EmbeddingExtractor.Extract(embedder, cache, items.Select(i => i.Path).ToList(), views, null), views.Length);
        var plants = Embed(ImageDataset.LoadTaxonFolders(set.PlantsDirectory, bundle.Checklist));
        var others = set.NonPlantsDirectory is null ? null : Embed(ImageDataset.LoadFlat(set.NonPlantsDirectory, -1));
        return Describe(bundle.Manifest.Version, Evaluator.Evaluate(bundle, plants, others));
    }

    /// <summary>The stored metrics JSON and the printed summary of an evaluation report.</summary>
    public static ModelEvaluation Describe(string version, EvaluationReport report)
    {
        var m = report.Metrics;
        var json = JsonSerializer.Serialize(new Dictionary<string, double?>
        {
            ["n"] = m.N, ["top1"] = m.Top1, ["top5"] = m.Top5, ["mrr"] = m.Mrr, ["macroTop1"] = m.MacroTop1, ["macroTop5"] = m.MacroTop5,
            ["macroMrr"] = m.MacroMrr, ["ece"] = m.Ece, ["plantRejected"] = report.PlantRejected, ["nonPlantAccepted"] = report.NonPlantAccepted,
        });
        return new ModelEvaluation(version, m.MacroMrr, json, string.Create(CultureInfo.InvariantCulture,
            $"n={m.N} top1={m.Top1:F4} top5={m.Top5:F4} macroMrr={m.MacroMrr:F4} ece={m.Ece:F4} plantRejected={report.PlantRejected:F4} nonPlantAccepted={report.NonPlantAccepted ?? 0:F4}"));
    }

    /// <summary>Records a candidate and the decision; when promoted, it becomes the current model.</summary>
    public static async Task<ModelVersion> RecordAsync(FlorascopeDb db, ModelVersion candidate, CancellationToken ct = default)
    {
        if (await db.ModelVersions.AnyAsync(m => m.Version == candidate.Version, ct))
            throw new ModelRegistryException(ModelRegistryError.AlreadyRegistered, $"A model {candidate.Version} is already registered; give the new one another --version.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (candidate.Promoted)
        {
            await db.ModelVersions.Where(m => m.IsCurrent).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsCurrent, false), ct);
            candidate.IsCurrent = true;
        }
        db.ModelVersions.Add(candidate);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The unique index on Version: registered by another process since the check above.
            throw new ModelRegistryException(ModelRegistryError.AlreadyRegistered, $"A model {candidate.Version} is already registered; give the new one another --version.");
        }
        await tx.CommitAsync(ct);
        return candidate;
    }

    /// <summary>
    /// Makes a registered version current (a rollback, or a manual promotion), for the CLI and the
    /// administrators' API alike. With a shared <paramref name="bundles"/> store a bundle not uploaded
    /// yet is uploaded first (from its folder, which must then be on this node), so every node follows.
    /// </summary>
    public static async Task PromoteAsync(FlorascopeDb db, string version, string reason, CancellationToken ct = default, BundleStore? bundles = null)
    {
        var found = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(m => m.Version == version, ct)
            ?? throw new ModelRegistryException(ModelRegistryError.NotRegistered, MessageText.Of("server.models.not-registered", "No registered model {version}.", ("version", version)));
        string? uploaded = null;
        if (bundles is { IsShared: true } && found.BundleKey is null)
        {
            // Uploaded before the transaction (it takes a while); recorded in it.
            if (!Directory.Exists(found.Path))
                throw new ModelRegistryException(ModelRegistryError.BundleMissing, MessageText.Of("server.models.bundle-missing",
                    "Model {version} is not in the shared object store and its folder is not on this node: promote it where it was trained.", ("version", version)));
            uploaded = await bundles.UploadAsync(version, found.Path, ct);
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var row = await db.ModelVersions.FirstOrDefaultAsync(m => m.Version == version, ct)
            ?? throw new ModelRegistryException(ModelRegistryError.NotRegistered, MessageText.Of("server.models.not-registered", "No registered model {version}.", ("version", version)));
        await db.ModelVersions.Where(m => m.IsCurrent).ExecuteUpdateAsync(s => s.SetProperty(m => m.IsCurrent, false), ct);
        row.IsCurrent = true;
        row.Promoted = true;
        row.Decision = reason;
        row.BundleKey ??= uploaded;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The photos of valid observations whose taxon is in the checklist, without the photos the
    /// community voted out (not a plant, poor quality, duplicate) and without plot photos (several plants in one
    /// photo: <see cref="Observations.Observation.FromPlot"/>); each photo file once.
    /// </summary>
    /// <param name="cacheDirectory">Where photos of a remote object store are fetched to, since training reads files (default: a folder under the temporary directory).</param>
    public static async Task<List<LabelledImage>> ValidatedPhotosAsync(FlorascopeDb db, PhotoStore photos, Checklist checklist, CancellationToken ct = default, string? cacheDirectory = null)
    {
        var rows = await (from o in db.Observations.AsNoTracking()
                          join p in db.ObservationPhotos.AsNoTracking() on o.Id equals p.ObservationId
                          where o.IsValid && o.TaxonName != null && p.ExcludedBecause == null && !o.FromPlot
                          orderby o.Id, p.Position
                          select new { o.TaxonName, p.Sha256 }).ToListAsync(ct);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<LabelledImage>();
        foreach (var r in rows)
        {
            var label = checklist.IndexOf(r.TaxonName!);
            if (label < 0 || !seen.Add(r.Sha256) || await photos.LocalOriginalAsync(r.Sha256, cacheDirectory ?? Path.Combine(Path.GetTempPath(), "florascope-photo-cache"), ct) is not { } path) continue;
            result.Add(new LabelledImage(path, label));
        }
        return result;
    }
}
