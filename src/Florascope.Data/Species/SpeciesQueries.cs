using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Species;

/// <summary>A photo of a valid observation of a taxon, with what its credit and organ need.</summary>
public sealed record ValidatedPhoto(int ObservationId, string Sha256, string Organ, string? VotedOrgan, string License,
    string? AuthorName, string? AuthorUserName);

/// <summary>
/// The reads behind a species page. Only what the observation pages show anyone: valid observations'
/// photos at their public sizes (no position is read), without the photos the votes excluded.
/// </summary>
public static class SpeciesQueries
{
    /// <summary>Photos of the taxon's valid observations, newest observation first, photos in their order; at most <paramref name="limit"/>.</summary>
    public static async Task<List<ValidatedPhoto>> ValidatedPhotosAsync(FlorascopeDb db, string taxonName, int limit, CancellationToken ct = default)
    {
        var rows = await (from o in db.Observations.AsNoTracking()
                          join p in db.ObservationPhotos.AsNoTracking() on o.Id equals p.ObservationId
                          where o.IsValid && o.TaxonName == taxonName && p.ExcludedBecause == null
                          orderby o.CreatedUtc descending, o.Id descending, p.Position
                          select new { o.Id, p.Sha256, p.Organ, p.VotedOrgan, o.License, o.AuthorId })
            .Take(limit).ToListAsync(ct);
        var authors = rows.Select(r => r.AuthorId).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => authors.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => (u.DisplayName, u.UserName), ct);
        return [.. rows.Select(r => new ValidatedPhoto(r.Id, r.Sha256, r.Organ, r.VotedOrgan, r.License,
            users.GetValueOrDefault(r.AuthorId).DisplayName, users.GetValueOrDefault(r.AuthorId).UserName))];
    }

    /// <summary>
    /// The taxa people confused with this one: for each other taxon, the observations where
    /// identifications (current or since replaced: a changed mind is a confusion too) named both,
    /// most first, then by name; at most <paramref name="limit"/>.
    /// </summary>
    public static async Task<List<(string Name, int Observations)>> NamedTogetherAsync(FlorascopeDb db, string taxonName, int limit,
        CancellationToken ct = default)
    {
        var withTaxon = db.Identifications.Where(i => i.TaxonName == taxonName).Select(i => i.ObservationId);
        var pairs = (from i in db.Identifications.AsNoTracking()
                     join o in db.Observations.AsNoTracking() on i.ObservationId equals o.Id
                     where withTaxon.Contains(i.ObservationId) && i.TaxonName != null && i.TaxonName != taxonName
                     select new { Name = i.TaxonName!, i.ObservationId }).Distinct();
        var rows = await pairs.GroupBy(p => p.Name)
            .Select(g => new { Name = g.Key, Observations = g.Count() })
            .OrderByDescending(r => r.Observations).ThenBy(r => r.Name)
            .Take(limit).ToListAsync(ct);
        return [.. rows.Select(r => (r.Name, r.Observations))];
    }
}
