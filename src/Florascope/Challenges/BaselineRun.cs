using System.Globalization;
using Florascope.Taxonomy;

namespace Florascope.Challenges;

/// <summary>One line of a run: a class and its probability; the rank is the position in the list.</summary>
public sealed record RunPrediction(string ClassId, double Probability);

/// <summary>
/// The observatory model's run on a challenge: its identifications kept to the challenge's classes (matched by
/// scientific name), renormalised over them, the best <see cref="RunFile.MaxPredictions"/> written in the run format,
/// and the notes that say why a model has no run. Pure.
/// </summary>
public static class BaselineRun
{
    /// <summary>The challenge's class ids by scientific-name key (case, '_' and spacing ignored, as checklists compare names).</summary>
    public static IReadOnlyDictionary<string, string> ClassIdsByName(IEnumerable<ChallengeClass> classes)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in classes) map.TryAdd(Checklist.NameKey(c.ScientificName), c.Id);
        return map;
    }

    /// <summary>
    /// The predictions for one photo from the model's scores (any order, any taxa): taxa outside the challenge are
    /// dropped, the rest renormalised to sum to 1, sorted by probability (then class id, for ties) and cut to 30,
    /// so probabilities never rise with the rank.
    /// </summary>
    public static IReadOnlyList<RunPrediction> Predictions(IEnumerable<(string ScientificName, double Score)> scores,
        IReadOnlyDictionary<string, string> classIdsByName)
    {
        var kept = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, score) in scores)
            if (classIdsByName.TryGetValue(Checklist.NameKey(name), out var id) && double.IsFinite(score) && score > 0)
                kept[id] = kept.GetValueOrDefault(id) + score;
        var total = kept.Values.Sum();
        if (total <= 0) return [];
        return [.. kept.Select(k => new RunPrediction(k.Key, Math.Clamp(k.Value / total, 0, 1)))
            .OrderByDescending(p => p.Probability).ThenBy(p => p.ClassId, StringComparer.Ordinal)
            .Take(RunFile.MaxPredictions)];
    }

    /// <summary>The run lines of one observation (<c>ObservationId;ClassId;Probability;Rank</c>); returns how many.</summary>
    public static int Write(TextWriter writer, string observationId, IReadOnlyList<RunPrediction> predictions)
    {
        for (var i = 0; i < predictions.Count; i++)
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"{observationId};{predictions[i].ClassId};{predictions[i].Probability:0.########};{i + 1}\n"));
        return predictions.Count;
    }

    /// <summary>The method shown on the leaderboard.</summary>
    public static string Method(string modelVersion) => $"Florascope's current model ({modelVersion})";

    /// <summary>Why the model has no run: it saw some of the test photos.</summary>
    public static string SawNote(string modelVersion, int seen, int testPhotos) =>
        $"{modelVersion} saw {seen} of the {testPhotos} test photos: no baseline run.";

    /// <summary>Why the model has no run: its bundle does not list the photos it saw.</summary>
    public static string UnknownNote(string modelVersion) =>
        $"{modelVersion} does not list the photos it saw ({ModelExposure.SeenFile}): no baseline run.";

    /// <summary>Why the model has no run: it knows none of the challenge's classes (by scientific name).</summary>
    public static string NoPredictionsNote(string modelVersion) =>
        $"{modelVersion} knows none of the challenge's classes: no baseline run.";

    /// <summary>Whether a challenge's note is about this model version (then it is not looked at again).</summary>
    public static bool IsAbout(string? note, string modelVersion) => note is not null && note.StartsWith(modelVersion + " ", StringComparison.Ordinal);
}
