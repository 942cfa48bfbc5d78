using Florascope.Bundles;
using Florascope.Challenges;
using Florascope.Data.Models;
using Florascope.Data.Storage;
using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;
using Florascope.Training;

namespace Florascope.Tests.Challenges;

/// <summary><see cref="ModelExposure"/>: the photos a bundle saw (seen.sha256) and their overlap with a challenge's test photos.</summary>
public sealed class ExposureTests
{
    [Fact]
    public void TheDemoModelListsExactlyThePhotosItWasTrainedAndValidatedOnAndSawItsValidationPhotos()
    {
        var seen = ModelExposure.ReadBundle(RepoPaths.ModelBundle);
        Assert.NotNull(seen);

        // As the trainer computes it, from the folders of the README's training command.
        var checklist = Checklist.Load(RepoPaths.Checklist);
        var photos = ImageDataset.LoadTaxonFolders(Path.Combine(RepoPaths.DemoFlora, "train"), checklist)
            .Concat(ImageDataset.LoadTaxonFolders(RepoPaths.ValPhotos, checklist))
            .Concat(ImageDataset.LoadFlat(Path.Combine(RepoPaths.Data, "non-plants", "train"), -1))
            .Concat(ImageDataset.LoadFlat(RepoPaths.NonPlantsVal, -1))
            .Select(i => i.Path).ToList();
        var manifest = ModelBundle.Load(RepoPaths.ModelBundle).Manifest.Training;
        Assert.Equal(manifest.TrainImages + manifest.ValidationImages + manifest.NonPlantTrainImages + manifest.NonPlantValidationImages, photos.Count);
        Assert.Equal(ModelExposure.Hashes(photos), seen.Order(StringComparer.Ordinal));

        var val = Directory.GetFiles(RepoPaths.ValPhotos, "*.jpg", SearchOption.AllDirectories).Select(ModelExposure.HashFile).ToList();
        var overlap = ModelExposure.Overlap(seen, val);
        TestContext.Current.TestOutputHelper?.WriteLine($"florascope-demo-1 lists {seen.Count} photos and saw {overlap} of the {val.Count} validation photos.");
        Assert.True(overlap > 0);
        Assert.Equal(val.Distinct().Count(), overlap);
    }

    [Fact]
    public async Task TheSeenListTravelsWithTheBundleThroughTheSharedStore()
    {
        using var temp = new TempDirectory();
        var bundle = Directory.CreateDirectory(Path.Combine(temp.Path, "bundle")).FullName;
        File.Copy(Path.Combine(RepoPaths.ModelBundle, ModelBundle.ManifestFile), Path.Combine(bundle, ModelBundle.ManifestFile));
        File.Copy(Path.Combine(RepoPaths.ModelBundle, ModelExposure.SeenFile), Path.Combine(bundle, ModelExposure.SeenFile));
        var store = new BundleStore(new FileObjectStore(Path.Combine(temp.Path, "shared")), Path.Combine(temp.Path, "cache"));
        var key = await store.UploadAsync("v-seen", bundle, TestContext.Current.CancellationToken);
        var fetched = await store.FetchAsync(key, TestContext.Current.CancellationToken);
        Assert.Equal(ModelExposure.ReadBundle(RepoPaths.ModelBundle), ModelExposure.ReadBundle(fetched));
    }

    [Fact]
    public void APhotoNeverSeenDoesNotOverlapAndDuplicatesCountOnce()
    {
        var seen = new HashSet<string> { new('a', 64), new('b', 64) };
        Assert.Equal(0, ModelExposure.Overlap(seen, [new string('c', 64)]));
        Assert.Equal(1, ModelExposure.Overlap(seen, [new string('a', 64), new string('a', 64), new string('c', 64)]));
    }

    [Fact]
    public void TheSeenFileIsReadBackAndAMalformedLineIsRefused()
    {
        var writer = new StringWriter();
        ModelExposure.Write(writer, [new string('0', 64), new string('f', 64)]);
        Assert.Equal(2, ModelExposure.Read(new StringReader(writer.ToString() + "\n")).Count);
        var e = Assert.Throws<InvalidDataException>(() => ModelExposure.Read(new StringReader(new string('0', 64) + "\nnot-a-hash\n")));
        Assert.Contains("Line 2", e.Message, StringComparison.Ordinal);
        Assert.Null(ModelExposure.ReadBundle(null));
        Assert.Null(ModelExposure.ReadBundle(Path.GetTempPath()));
    }
}
