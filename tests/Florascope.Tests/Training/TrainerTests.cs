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
    [Fact]
    public void TrainsABundleThatIdentifiesHeldOutPhotos()
    {
        using var temp = new TempDirectory();
        var options = TrainingSlice.Create(temp.Path, out var trainCount, out var valCount) with { Version = "test-slice" };
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
}
