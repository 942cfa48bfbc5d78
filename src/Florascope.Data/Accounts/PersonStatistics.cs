using Florascope.Paging;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Data.Accounts;

/// <summary>
/// A person's public figures (their profile and their account page): observations, valid ones, species
/// (distinct taxa of their valid observations), identifications of others' observations, how many of
/// those name the community's taxon, and the game's score and expertise (public on the leaderboard too).
/// Nothing private: no e-mail, no position.
/// </summary>
public sealed record PersonStatistics(int Id, string UserName, string DisplayName, int Observations, int ValidObservations, int Species,
    int Identifications, int Decided, int Agreeing, double? AgreementRate, int Score, int Expertise, DateTime MemberSinceUtc);

/// <summary>One of my identifications: the observation, my taxon (null: "I don't know"), the community's, and whether they agree.</summary>
public sealed record IdentifiedRow(int ObservationId, string? MyTaxonName, string? TaxonName, string Status, bool Agrees, DateTime IdentifiedUtc,
    string? FirstPhoto, int AuthorId, string? AuthorName, string? AuthorUserName);

/// <summary>The rules and queries behind a person's figures. <c>synthetic</c> selects seeded rows or real ones, as the lists do.</summary>
public static class PersonQueries
{
    /// <summary>An identification agrees when it names a taxon and that taxon is the community's.</summary>
    public static bool Agrees(string? mine, string? community) => mine is not null && mine == community;

    /// <summary>Agreeing identifications over those that named a taxon on an observation the community has named; null before any.</summary>
    public static double? AgreementRate(int agreeing, int decided) => decided <= 0 ? null : (double)agreeing / decided;

    /// <summary>A person's figures, or null when there is no such person. Counted in SQL (a few groups).</summary>
    public static async Task<PersonStatistics?> StatisticsAsync(FlorascopeDb db, int userId, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Id, u.UserName, u.DisplayName, u.Score, u.Expertise, u.CreatedUtc }).FirstOrDefaultAsync(ct);
        if (user is null) return null;
        var own = db.Observations.AsNoTracking().Where(o => o.AuthorId == userId);
        var observations = await own.CountAsync(ct);
        var valid = await own.CountAsync(o => o.IsValid, ct);
        var species = await own.Where(o => o.IsValid && o.TaxonName != null).Select(o => o.TaxonName).Distinct().CountAsync(ct);
        var groups = await (from i in db.Identifications
                            join o in db.Observations on i.ObservationId equals o.Id
                            where i.UserId == userId && i.IsCurrent && o.AuthorId != userId
                            group i by new { Named = i.TaxonName != null, Decided = o.TaxonName != null, Same = i.TaxonName == o.TaxonName } into g
                            select new { g.Key.Named, g.Key.Decided, g.Key.Same, Count = g.Count() }).ToListAsync(ct);
        var decided = groups.Where(g => g.Named && g.Decided).Sum(g => g.Count);
        // Same and Named together are Agrees(mine, community): a taxon named, equal to the community's.
        var agreeing = groups.Where(g => g.Named && g.Decided && g.Same).Sum(g => g.Count);
        return new PersonStatistics(user.Id, user.UserName, user.DisplayName, observations, valid, species, groups.Sum(g => g.Count), decided, agreeing,
            AgreementRate(agreeing, decided), user.Score, user.Expertise, user.CreatedUtc);
    }

    /// <summary>My current identifications of others' observations, newest first, one page (from 1).</summary>
    public static async Task<List<IdentifiedRow>> IdentifiedAsync(FlorascopeDb db, int userId, int page, int pageSize, CancellationToken ct)
    {
        if (new PageRequest(page, pageSize).IsPastAnyList) return [];
        var rows = await (from i in db.Identifications.AsNoTracking()
                          join o in db.Observations.AsNoTracking() on i.ObservationId equals o.Id
                          where i.UserId == userId && i.IsCurrent && o.AuthorId != userId
                          orderby i.CreatedUtc descending, i.Id descending
                          select new
                          {
                              o.Id, Mine = i.TaxonName, o.TaxonName, o.Status, i.CreatedUtc, o.AuthorId,
                              FirstPhoto = o.Photos.Where(x => x.ExcludedBecause == null).OrderBy(x => x.Position).Select(x => x.Sha256).FirstOrDefault(),
                              AuthorName = db.Users.Where(x => x.Id == o.AuthorId).Select(x => x.DisplayName).FirstOrDefault(),
                              AuthorUserName = db.Users.Where(x => x.Id == o.AuthorId).Select(x => x.UserName).FirstOrDefault(),
                          }).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return [.. rows.Select(r => new IdentifiedRow(r.Id, r.Mine, r.TaxonName, r.Status, Agrees(r.Mine, r.TaxonName), r.CreatedUtc, r.FirstPhoto,
            r.AuthorId, r.AuthorName, r.AuthorUserName))];
    }
}
