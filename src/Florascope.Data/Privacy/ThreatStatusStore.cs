using Florascope.Taxonomy;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Privacy;

/// <summary>A threat status file's or command's input that cannot be stored; the message says why.</summary>
public sealed class ThreatStatusException(string message) : Exception(message);

/// <summary>One line of a threat status file: scientific name, IUCN category, optional source.</summary>
public sealed record ThreatStatusEntry(string ScientificName, IucnCategory Category, string? Source);

/// <summary>
/// The threat_statuses table, which administrators manage (`florascope threats`): statuses by
/// scientific name, independent of models and floras. Each change is followed by a refresh of the
/// public positions of the observations it affects (<see cref="PublicPositions.RefreshAsync"/>).
/// </summary>
public static class ThreatStatusStore
{
    public const int MaxName = 200;
    public const int MaxSource = 200;

    /// <summary>"Fritillaria_meleagris " and "Fritillaria  meleagris" are "Fritillaria meleagris": the checklists' spelling.</summary>
    public static string NormalizeName(string name)
    {
        var n = string.Join(' ', name.Replace('_', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (n.Length == 0) throw new ThreatStatusException("A scientific name is needed.");
        if (n.Length > MaxName) throw new ThreatStatusException($"A scientific name has at most {MaxName} characters.");
        return n;
    }

    public static IucnCategory ParseCategory(string code) =>
        IucnCategories.Parse(code.Trim()) ?? throw new ThreatStatusException(
            $"Unknown IUCN category '{code}': use one of {string.Join(", ", Enum.GetNames<IucnCategory>())}.");

    /// <summary>
    /// Reads a tab-separated file: a header line (scientificName, category, source), then one taxon
    /// per line; blank lines and lines starting with # are skipped. Throws on the first bad line.
    /// </summary>
    public static List<ThreatStatusEntry> ParseTsv(TextReader reader)
    {
        var entries = new List<ThreatStatusEntry>();
        var header = true;
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var cells = line.Split('\t');
            if (header)
            {
                header = false;
                if (cells[0].Trim().Equals("scientificName", StringComparison.OrdinalIgnoreCase)) continue;
            }
            if (cells.Length < 2) throw new ThreatStatusException($"Line {number}: expected scientificName<TAB>category[<TAB>source].");
            try
            {
                var source = cells.Length > 2 && cells[2].Trim() is { Length: > 0 } s ? s : null;
                if (source is { Length: > MaxSource }) throw new ThreatStatusException($"A source has at most {MaxSource} characters.");
                entries.Add(new ThreatStatusEntry(NormalizeName(cells[0]), ParseCategory(cells[1]), source));
            }
            catch (ThreatStatusException e)
            {
                throw new ThreatStatusException($"Line {number}: {e.Message}");
            }
        }
        return entries;
    }

    /// <summary>
    /// Entries with their names in the checklist's spelling ("fritillaria_MELEAGRIS" is "Fritillaria
    /// meleagris"), since observations are matched by exact name. A name the checklist lacks is kept
    /// as given (statuses outlive models) and listed in <c>Unknown</c>, so that the caller can warn.
    /// </summary>
    public static (List<ThreatStatusEntry> Entries, List<string> Unknown) ResolveNames(IReadOnlyList<ThreatStatusEntry> entries, Checklist checklist)
    {
        var resolved = new List<ThreatStatusEntry>(entries.Count);
        var unknown = new List<string>();
        foreach (var e in entries)
        {
            var i = checklist.IndexOf(e.ScientificName);
            if (i < 0) unknown.Add(e.ScientificName);
            resolved.Add(i < 0 ? e : e with { ScientificName = checklist.Taxa[i].ScientificNameWithoutAuthor });
        }
        return (resolved, unknown);
    }

    public static Task<List<ThreatStatus>> ListAsync(FlorascopeDb db, CancellationToken ct = default) =>
        db.ThreatStatuses.AsNoTracking().OrderBy(t => t.ScientificName).ToListAsync(ct);

    /// <summary>Adds or replaces statuses (one transaction). Returns how many were written.</summary>
    public static async Task<int> SetAsync(FlorascopeDb db, IReadOnlyList<ThreatStatusEntry> entries, TimeProvider clock, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var names = entries.Select(e => e.ScientificName).Distinct().ToList();
        var existing = await db.ThreatStatuses.Where(t => names.Contains(t.ScientificName)).ToDictionaryAsync(t => t.ScientificName, ct);
        foreach (var e in entries)
        {
            if (!existing.TryGetValue(e.ScientificName, out var row))
            {
                row = new ThreatStatus { ScientificName = e.ScientificName, Category = e.Category };
                db.ThreatStatuses.Add(row);
                existing[e.ScientificName] = row;
            }
            (row.Category, row.Source, row.UpdatedUtc) = (e.Category, e.Source, now);
        }
        await db.SaveChangesAsync(ct);
        return entries.Count;
    }

    /// <summary>Removes a taxon's status; false when it had none.</summary>
    public static async Task<bool> RemoveAsync(FlorascopeDb db, string scientificName, CancellationToken ct = default)
    {
        var name = NormalizeName(scientificName);
        return await db.ThreatStatuses.Where(t => t.ScientificName == name).ExecuteDeleteAsync(ct) > 0;
    }

    /// <summary>
    /// Loads <paramref name="file"/> when the table is empty (a new database), so that the shipped
    /// demo markings apply without a command; a table an administrator has filled is left alone.
    /// Returns how many statuses were loaded.
    /// </summary>
    public static async Task<int> LoadIfEmptyAsync(FlorascopeDb db, string file, TimeProvider clock, CancellationToken ct = default)
    {
        if (!File.Exists(file) || await db.ThreatStatuses.AnyAsync(ct)) return 0;
        using var reader = new StreamReader(file);
        var entries = ParseTsv(reader);
        try
        {
            return await SetAsync(db, entries, clock, ct);
        }
        catch (DbUpdateException)
        {
            // Another server process loaded it at the same moment.
            db.ChangeTracker.Clear();
            return 0;
        }
    }

    /// <summary>The scientific names whose status obscures their observations.</summary>
    public static Task<List<string>> ObscuringNamesAsync(FlorascopeDb db, CancellationToken ct = default) =>
        db.ThreatStatuses.AsNoTracking().Where(t => IucnCategories.Obscuring.Contains(t.Category)).Select(t => t.ScientificName).ToListAsync(ct);

    /// <summary>Whether any of these names (an observation's taxa) has an obscuring status.</summary>
    public static async Task<bool> AnyObscuringAsync(FlorascopeDb db, IEnumerable<string?> names, CancellationToken ct = default)
    {
        var list = names.OfType<string>().Distinct().ToList();
        return list.Count > 0 && await db.ThreatStatuses.AnyAsync(t => list.Contains(t.ScientificName) && IucnCategories.Obscuring.Contains(t.Category), ct);
    }
}
