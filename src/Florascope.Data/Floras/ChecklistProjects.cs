using System.Globalization;
using Florascope.Floras;
using Florascope.Taxonomy;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Floras;

/// <summary>An import refused for what it says (a title, a code the model already uses, an archive without accepted names).</summary>
public sealed class ChecklistImportException(string message) : ArgumentException(message);

/// <summary>What an import stored, and how much of it the running model can identify.</summary>
public sealed record ChecklistImportReport(string Code, int Accepted, int Synonyms, int VernacularNames, int VernacularNamesSkipped,
    int Identifiable, int KnownOnly, bool Replaced)
{
    /// <summary>Misapplied names the archive held, left out (<see cref="ChecklistArchiveContents.MisappliedNamesSkipped"/>).</summary>
    public int MisappliedNamesSkipped { get; init; }
}

/// <summary>Imported checklist projects in the database: the import (one transaction), the server's reads and their version.</summary>
public static class ChecklistProjects
{
    /// <summary>
    /// Stores the archive's names as project <paramref name="code"/>, replacing a project of that
    /// code in the same transaction (a failure keeps the old one). <paramref name="model"/> is the
    /// running model's bundle checklist (not composed): its own projects' codes are refused, and it gives the counts.
    /// </summary>
    public static async Task<ChecklistImportReport> ImportAsync(FlorascopeDb db, ProjectCode code, string title, string? description,
        string sourceFile, ChecklistArchiveContents contents, Checklist model, TimeProvider clock, CancellationToken ct = default)
    {
        title = title.Trim();
        description = (description ?? "").Trim();
        if (title.Length == 0) throw new ChecklistImportException("A title is required (--title).");
        if (title.Length > ChecklistProject.MaxTitleLength || title.Any(char.IsControl))
            throw new ChecklistImportException($"The title must be one line of at most {ChecklistProject.MaxTitleLength} characters.");
        if (description.Length > ChecklistProject.MaxDescriptionLength || description.Any(c => char.IsControl(c) && c is not '\n'))
            throw new ChecklistImportException($"The description must be at most {ChecklistProject.MaxDescriptionLength} characters of text.");
        if (model.HasProject(code.Value) && !model.ImportedProjects.ContainsKey(code.Value))
            throw new ChecklistImportException($"The project code '{code}' is one of the model's own projects ({string.Join(", ", model.Projects)}): choose another.");
        var flora = ToFlora(code, title, description, contents.Taxa);
        if (flora.Names.Count == 0) throw new ChecklistImportException("The checklist has no accepted name.");
        foreach (var t in contents.Taxa)
        {
            if (t.CanonicalName.Length > 300 || t.TaxonId.Length > 200 || t.Authorship.Length > 300)
                throw new ChecklistImportException($"Taxon '{Shorten(t.TaxonId)}': a taxonID, name or authorship is too long (200, 300 and 300 characters at most).");
            if (t.VernacularNames.Any(v => v.Name.Length > 300))
                throw new ChecklistImportException($"Taxon '{Shorten(t.TaxonId)}': a vernacular name is longer than 300 characters.");
        }

        var composed = model.WithProjects([flora]);
        var project = new ChecklistProject
        {
            Code = code.Value,
            Title = title,
            Description = description,
            SourceFile = Path.GetFileName(sourceFile),
            AcceptedCount = contents.Taxa.Count(t => t.IsAccepted),
            SynonymCount = contents.Taxa.Count(t => !t.IsAccepted),
            VernacularCount = contents.Taxa.Sum(t => t.VernacularNames.Count),
            ImportedUtc = clock.GetUtcNow().UtcDateTime,
            Names = [.. contents.Taxa.Select(t => new ChecklistName
            {
                TaxonId = t.TaxonId, CanonicalName = t.CanonicalName, Authorship = t.Authorship, Rank = Cut(t.Rank, 32),
                TaxonomicStatus = Cut(t.TaxonomicStatus, 64), AcceptedTaxonId = t.AcceptedTaxonId, Genus = Cut(t.Genus, 100), Family = Cut(t.Family, 100),
                VernacularNames = [.. t.VernacularNames.Select(v => new ChecklistVernacularName { Name = v.Name, Language = v.Language })],
            })],
        };

        var strategy = db.Database.CreateExecutionStrategy();
        var replaced = await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // Names and their vernacular names go with the project (ON DELETE CASCADE).
            var removed = await db.ChecklistProjects.Where(p => p.Code == project.Code).ExecuteDeleteAsync(ct);
            db.ChecklistProjects.Add(project);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return removed > 0;
        });
        db.ChangeTracker.Clear();
        var identifiable = composed.Taxa.Count(t => t.InProject(code.Value));
        return new ChecklistImportReport(code.Value, project.AcceptedCount, project.SynonymCount, project.VernacularCount,
            contents.VernacularNamesSkipped, identifiable, composed.KnownOnly(code.Value).Count, replaced) { MisappliedNamesSkipped = contents.MisappliedNamesSkipped };
    }

    /// <summary>The imported projects, for composing the running model's checklist (<see cref="Checklist.WithProjects"/>).</summary>
    public static async Task<IReadOnlyList<ImportedFlora>> LoadAsync(FlorascopeDb db, CancellationToken ct = default)
    {
        var projects = await db.ChecklistProjects.AsNoTracking().OrderBy(p => p.Code).ToListAsync(ct);
        var floras = new List<ImportedFlora>(projects.Count);
        foreach (var p in projects)
        {
            if (!ProjectCode.TryParse(p.Code, out var code)) continue;
            var names = await db.ChecklistNames.AsNoTracking().Where(n => n.ProjectId == p.Id).Include(n => n.VernacularNames).OrderBy(n => n.Id).ToListAsync(ct);
            floras.Add(ToFlora(code, p.Title, p.Description, names.Select(n => new ChecklistTaxon(n.TaxonId, n.CanonicalName, n.CanonicalName,
                n.Authorship, n.Rank, n.TaxonomicStatus, n.AcceptedTaxonId, n.Genus, n.Family,
                [.. n.VernacularNames.OrderBy(v => v.Id).Select(v => new VernacularName(v.Name, v.Language))])).ToList()));
        }
        return floras;
    }

    /// <summary>
    /// Changes whenever a project is imported, replaced or removed: the server polls this (a few
    /// bytes a project) and reloads the projects only when it changed.
    /// </summary>
    public static async Task<string> VersionAsync(FlorascopeDb db, CancellationToken ct = default)
    {
        var rows = await db.ChecklistProjects.AsNoTracking().OrderBy(p => p.Id).Select(p => new { p.Id, p.Code }).ToListAsync(ct);
        return string.Join(',', rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Id}:{r.Code}")));
    }

    /// <summary>The summaries of the imported projects, by code.</summary>
    public static Task<List<ChecklistProject>> ListAsync(FlorascopeDb db, CancellationToken ct = default) =>
        db.ChecklistProjects.AsNoTracking().OrderBy(p => p.Code).ToListAsync(ct);

    /// <summary>Pure: a checklist's rows as a flora, each accepted name with its synonyms and vernacular names by language.</summary>
    public static ImportedFlora ToFlora(ProjectCode code, string title, string description, IReadOnlyList<ChecklistTaxon> taxa)
    {
        var synonyms = taxa.Where(t => !t.IsAccepted).ToLookup(t => t.AcceptedTaxonId!, StringComparer.Ordinal);
        var names = taxa.Where(t => t.IsAccepted).Select(t => new FloraName(t.CanonicalName, t.Authorship, t.Rank, t.Genus, t.Family,
            [.. synonyms[t.TaxonId].Select(s => s.CanonicalName).Distinct(StringComparer.Ordinal)],
            t.VernacularNames.GroupBy(v => v.Language).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(v => v.Name)])))
            .ToList();
        return new ImportedFlora(code, title, description, names);
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "..." : s;
}
