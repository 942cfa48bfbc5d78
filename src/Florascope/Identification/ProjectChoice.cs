using Florascope.Taxonomy;

namespace Florascope.Identification;

/// <summary>
/// Project <c>best</c>: the flora that fits a photo best, named back as <c>preferedReferential</c> (pure).
/// </summary>
public static class ProjectChoice
{
    public const string Best = "best";

    /// <summary>A project must hold at least this share of the probability to be chosen over a larger one.</summary>
    public const double DefaultShare = 0.9;

    /// <summary>
    /// The smallest project (fewest taxa) whose taxa hold at least <paramref name="share"/> of the probability the model
    /// gives over the whole checklist; <c>all</c> when none does. A regional flora that holds nearly all the mass is the
    /// photo's flora; a plant the model spreads over several floras stays in <c>all</c>. Ties: the larger mass, then the name.
    /// </summary>
    /// <param name="probabilities">The model's probability of each checklist taxon (same order as <see cref="Checklist.Taxa"/>), summing to 1.</param>
    public static string Choose(IReadOnlyList<double> probabilities, Checklist checklist, double share = DefaultShare)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(probabilities.Count, checklist.Taxa.Count);
        var total = probabilities.Sum();
        if (!(total > 0)) return Checklist.AllProject;
        var best = (Project: Checklist.AllProject, Size: checklist.Taxa.Count, Mass: 1.0);
        foreach (var project in checklist.Projects)
        {
            if (project == Checklist.AllProject) continue;
            double mass = 0;
            var size = 0;
            for (var i = 0; i < checklist.Taxa.Count; i++)
            {
                if (!checklist.Taxa[i].InProject(project)) continue;
                mass += probabilities[i] / total;
                size++;
            }
            if (mass < share) continue;
            if (size < best.Size || (size == best.Size && (mass > best.Mass || (mass == best.Mass && string.CompareOrdinal(project, best.Project) < 0))))
                best = (project, size, mass);
        }
        return best.Project;
    }
}
