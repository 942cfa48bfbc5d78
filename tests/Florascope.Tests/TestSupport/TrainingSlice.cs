using Florascope.Bundles;
using Florascope.Training;

namespace Florascope.Tests.TestSupport;

/// <summary>
/// A small copy of the demo data for training tests: 6 taxa from all four sources, 12 training and
/// 8 validation photos each, 40 + 20 non-plants, one view (the network runs about 200 times).
/// </summary>
public static class TrainingSlice
{
    public static readonly string[] Taxa = ["Helianthus_annuus", "Taraxacum_officinale", "Acer_palmatum", "Ginkgo_biloba", "Zea_mays", "Chenopodium_album"];

    /// <summary>Copies the slice under <paramref name="root"/>/data and returns options to train on it.</summary>
    public static TrainOptions Create(string root, out int trainCount, out int valCount)
    {
        var data = Path.Combine(root, "data");
        var flora = Path.Combine(data, "demo-flora");
        trainCount = CopyTaxa(Path.Combine(RepoPaths.DemoFlora, "train"), Path.Combine(flora, "train"), 12);
        valCount = CopyTaxa(RepoPaths.ValPhotos, Path.Combine(flora, "val"), 8);
        File.Copy(RepoPaths.Checklist, Path.Combine(flora, "checklist.tsv"));
        CopyFlat(Path.Combine(RepoPaths.Data, "non-plants", "train"), Path.Combine(data, "non-plants", "train"), 40);
        CopyFlat(RepoPaths.NonPlantsVal, Path.Combine(data, "non-plants", "val"), 20);
        return new TrainOptions
        {
            TrainDir = Path.Combine(flora, "train"),
            ValDir = Path.Combine(flora, "val"),
            NonPlantsDir = Path.Combine(data, "non-plants"),
            ChecklistPath = Path.Combine(flora, "checklist.tsv"),
            TrainViews = [0],
            Inference = new InferenceSettings { Views = [0], ExtraViews = [] },
            PlantThresholdFolds = 3,
        };
    }

    /// <summary>Copies up to <paramref name="perTaxon"/> photos of each slice taxon; returns how many.</summary>
    private static int CopyTaxa(string from, string to, int perTaxon)
    {
        var count = 0;
        foreach (var taxon in Taxa)
        {
            var target = Directory.CreateDirectory(Path.Combine(to, taxon)).FullName;
            foreach (var f in Directory.GetFiles(Path.Combine(from, taxon)).Order(StringComparer.Ordinal).Take(perTaxon))
            {
                File.Copy(f, Path.Combine(target, Path.GetFileName(f)));
                count++;
            }
        }
        return count;
    }

    private static void CopyFlat(string from, string to, int count)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from).Order(StringComparer.Ordinal).Take(count))
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}
