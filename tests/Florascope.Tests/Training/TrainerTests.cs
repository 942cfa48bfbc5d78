using Florascope.Bundles;
using Florascope.Identification;
using Florascope.Tests.TestSupport;
using Florascope.Training;

namespace Florascope.Tests.Training;

/// <summary>
/// Trains a real bundle on a slice of the demo data (6 taxa from all four sources, one view, so
/// the network runs about 200 times) and checks it identifies held-out photos above a floor.
/// </summary>
public sealed class TrainerTests(BackboneFixture fixture)
{
    private static readonly string[] Taxa = ["Helianthus_annuus", "Taraxacum_officinale", "Acer_palmatum", "Ginkgo_biloba", "Zea_mays", "Chenopodium_album"];

    [Fact]
    public void TrainsABundleThatIdentifiesHeldOutPhotos()
    {
        using var temp = new TempDirectory();
        var data = Path.Combine(temp.Path, "data");
        var flora = Path.Combine(data, "demo-flora");
        var trainCount = CopySlice(Path.Combine(RepoPaths.DemoFlora, "train"), Path.Combine(flora, "train"), 12);
        var valCount = CopySlice(RepoPaths.ValPhotos, Path.Combine(flora, "val"), 8);
        File.Copy(RepoPaths.Checklist, Path.Combine(flora, "checklist.tsv"));
        CopyFlat(Path.Combine(RepoPaths.Data, "non-plants", "train"), Path.Combine(data, "non-plants", "train"), 40);
        CopyFlat(RepoPaths.NonPlantsVal, Path.Combine(data, "non-plants", "val"), 20);

        var options = new TrainOptions
        {
            TrainDir = Path.Combine(flora, "train"),
            ValDir = Path.Combine(flora, "val"),
            NonPlantsDir = Path.Combine(data, "non-plants"),
            ChecklistPath = Path.Combine(flora, "checklist.tsv"),
            TrainViews = [0],
            Inference = new InferenceSettings { Views = [0], ExtraViews = [] },
            PlantThresholdFolds = 3,
            Version = "test-slice",
        };
        var cache = new EmbeddingCache(Path.Combine(temp.Path, "cache"), fixture.Backbone.Sha256);
        var trainer = new Trainer(fixture.Embedder, cache, TextWriter.Null);
        var bundle = trainer.Train(options);

        var v = bundle.Manifest.Validation!;
        Assert.Equal(valCount, v.Identification.N);
        Assert.True(v.Identification.Top1 >= 0.8, $"top-1 {v.Identification.Top1:P1}");
        Assert.True(v.Identification.Top5 >= 0.95, $"top-5 {v.Identification.Top5:P1}");
        Assert.True(v.PlantRejected <= 0.1, $"plants rejected {v.PlantRejected:P1}");
        Assert.True(v.NonPlantAccepted <= 0.2, $"non-plants accepted {v.NonPlantAccepted:P1}");
        Assert.Equal(fixture.Backbone.Sha256, bundle.Manifest.Backbone.Sha256);
        Assert.Equal(trainCount, bundle.Manifest.Training.TrainImages);
        Assert.InRange(bundle.Manifest.Inference.Temperature, 0.05, 20);

        // The saved bundle loads back and identifies a held-out photo of a trained taxon.
        var dir = Path.Combine(temp.Path, "bundle");
        bundle.Save(dir);
        var loaded = ModelBundle.Load(dir);
        Assert.Equal("test-slice", loaded.Manifest.Version);
        Assert.Equal(bundle.References.Images.Count, loaded.References.Images.Count);
        var engine = new IdentificationEngine(loaded, fixture.Embedder);
        var photo = RepoPaths.ValPhotosOf("Helianthus_annuus")[0];
        var result = engine.Identify(new IdentifyRequest { Images = [new IdentifyImage(File.ReadAllBytes(photo))], MaxResults = 3 });
        Assert.Contains(result.Results, r => r.Taxon.ScientificNameWithoutAuthor == "Helianthus annuus");
        Assert.All(result.Results[0].References, m => Assert.Equal(result.Results[0].Label, m.Image.Label));

        // Retraining reads every embedding from the cache: the network is not run again.
        var cached = cache.Count;
        trainer.Train(options);
        Assert.Equal(cached, cache.Count);
    }

    /// <summary>Copies up to <paramref name="perTaxon"/> photos of each test taxon; returns how many.</summary>
    private static int CopySlice(string from, string to, int perTaxon)
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
