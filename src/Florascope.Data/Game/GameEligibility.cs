using Florascope.Data.Observations;
using Florascope.Data.Revision;
using Florascope.Taxonomy;

namespace Florascope.Data.Game;

/// <summary>Which observations "Help identify" offers a player, and in which order.</summary>
public static class GameEligibility
{
    /// <summary>
    /// Real observations that are not valid yet, not the player's, not already answered (a current
    /// identification) or skipped by them, and in the flora: made in the project, or placed in it by
    /// the model's or the community's taxon. Disputed first (a vote there matters most), then the
    /// newest. Unknown projects are the caller's to refuse; <c>all</c> is every flora.
    /// </summary>
    public static IQueryable<Observation> OfferedTo(FlorascopeDb db, int playerId, string project, Checklist checklist)
    {
        var query = db.Observations.Where(o => o.Status != ObservationStatus.Valid && o.AuthorId != playerId
            && !db.Identifications.Any(i => i.ObservationId == o.Id && i.UserId == playerId && i.IsCurrent)
            && !db.GameSkips.Any(s => s.ObservationId == o.Id && s.UserId == playerId));
        if (project != Checklist.AllProject)
        {
            var taxa = checklist.Taxa.Where(t => t.InProject(project)).Select(t => t.ScientificNameWithoutAuthor).ToList();
            query = query.Where(o => o.Project == project || (o.ModelTaxonName != null && taxa.Contains(o.ModelTaxonName))
                || (o.TaxonName != null && taxa.Contains(o.TaxonName)));
        }
        return query.OrderBy(o => o.Status == ObservationStatus.Disputed ? 0 : 1).ThenByDescending(o => o.CreatedUtc).ThenByDescending(o => o.Id);
    }
}
