using Florascope.Bundles;
using Florascope.Engine;
using Florascope.Identification;
using Florascope.Imaging;
using Florascope.Learning;
using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;
using Florascope.Training;

namespace Florascope.Tests.Identification;

/// <summary>
/// The engine in-process, on the real network with small random heads: what is checked here is the
/// plumbing (validation, decoding errors, projects, fusion, rejection), not the quality of a model.
/// </summary>
public sealed class IdentificationEngineTests(BackboneFixture fixture)
{
    private static readonly Lazy<Checklist> Demo = new(() => Checklist.Load(RepoPaths.Checklist));

    private static byte[] Photo(string folder, int i = 0) => File.ReadAllBytes(RepoPaths.ValPhotosOf(folder)[i]);

    /// <param name="plantBias">Bias of the "plant" class of the plant head: positive accepts, negative rejects.</param>
    private IdentificationEngine Engine(float plantBias = 5, InferenceSettings? inference = null)
    {
        var checklist = Demo.Value;
        var organs = Trainer.OrganLabels(checklist);
        var rng = new Random(3);
        SoftmaxHead Head(int classes, float[] bias) =>
            new(classes, Backbone.Dim, [.. Enumerable.Range(0, classes * Backbone.Dim).Select(_ => (float)(rng.NextDouble() - 0.5))], bias);
        var heads = new HeadSet(
            Head(checklist.Taxa.Count, new float[checklist.Taxa.Count]),
            Head(organs.Length, new float[organs.Length]),
            // Zero weights: the plant probability is set by the biases alone.
            new SoftmaxHead(2, Backbone.Dim, new float[2 * Backbone.Dim], [0, plantBias]));
        var manifest = new BundleManifest
        {
            Version = "test-random-heads",
            Backbone = new BackboneInfo { Sha256 = fixture.Backbone.Sha256 },
            // Explicit settings: the defaults are tuned with the model and may change.
            Inference = inference ?? new InferenceSettings { Views = [0], ExtraViews = [], Fusion = FusionRule.GeometricMean, PlantThreshold = 0.5f },
            OrganLabels = organs,
            Training = new TrainingSummary(),
        };
        var references = new ReferenceIndex([], [], Backbone.Dim, checklist.Taxa.Count);
        return new IdentificationEngine(new ModelBundle(manifest, checklist, heads, references), fixture.Embedder);
    }

    private static IdentifyRequest Request(params byte[][] images) =>
        new() { Images = [.. images.Select((d, i) => new IdentifyImage(d, "auto", $"photo{i + 1}.jpg"))] };

    [Fact]
    public void ResultsAreADistributionOverTheProject()
    {
        var result = Engine().Identify(Request(Photo("Rosa")) with { Project = "useful", MaxResults = null });

        var useful = Demo.Value.Taxa.Count(t => t.InProject("useful"));
        Assert.Equal(useful, result.Results.Count);
        Assert.All(result.Results, r => Assert.True(r.Taxon.InProject("useful")));
        Assert.Equal(1f, result.Results.Sum(r => r.Score), 1e-4f);
        Assert.Equal(result.Results.OrderByDescending(r => r.Score).Select(r => r.Label), result.Results.Select(r => r.Label));
        Assert.False(result.Rejected);
        Assert.Equal(1, result.NetworkPasses);
        Assert.Single(result.ImageHashes);
        Assert.Equal("test-random-heads", result.ModelVersion);
    }

    [Fact]
    public void SeveralPhotosRunAllTheirViews()
    {
        var engine = Engine(inference: new InferenceSettings { Views = [0, 1], ExtraViews = [] });
        var result = engine.Identify(Request(Photo("Rosa"), Photo("Tulipa")) with { MaxResults = 3 });
        Assert.Equal(4, result.NetworkPasses);
        Assert.Equal(3, result.Results.Count);
        Assert.Equal(2, result.PredictedOrgans.Count);
        Assert.Equal(["photo1.jpg", "photo2.jpg"], result.PredictedOrgans.Select(o => o.FileName));
    }

    [Fact]
    public void UnsurePhotosGetTheExtraViews()
    {
        // Random heads over 46 taxa are never 99.9% sure: every photo gets the 3 extra views.
        var unsure = Engine(inference: new InferenceSettings { Views = [0], ExtraViews = [1, 2, 3], ExtraViewsBelow = 0.999f });
        Assert.Equal(2 * (1 + 3), unsure.Identify(Request(Photo("Rosa"), Photo("Tulipa"))).NetworkPasses);
        // Below a top score of 0 nothing is unsure.
        var sure = Engine(inference: new InferenceSettings { Views = [0], ExtraViews = [1, 2, 3], ExtraViewsBelow = 0f });
        Assert.Equal(2, sure.Identify(Request(Photo("Rosa"), Photo("Tulipa"))).NetworkPasses);
    }

    [Fact]
    public void PhotosJudgedNotPlantsAreRejectedUnlessAskedNotTo()
    {
        var engine = Engine(plantBias: -5);
        var rejected = engine.Identify(Request(Photo("Rosa")));
        Assert.True(rejected.Rejected);
        Assert.True(rejected.PlantProbability < 0.5f);
        Assert.False(engine.Identify(Request(Photo("Rosa")) with { NoReject = true }).Rejected);
    }

    public static TheoryData<string, IdentifyError> InvalidRequests => new()
    {
        { "none", IdentifyError.NoImage },
        { "six", IdentifyError.TooManyImages },
        { "organ", IdentifyError.UnknownOrgan },
        { "project", IdentifyError.UnknownProject },
        { "lang", IdentifyError.UnknownLanguage },
        { "results", IdentifyError.BadParameter },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public void InvalidRequestsAreRefusedBeforeDecoding(string what, IdentifyError expected)
    {
        var photo = Photo("Rosa");
        var request = what switch
        {
            "none" => Request(),
            "six" => Request(photo, photo, photo, photo, photo, photo),
            "organ" => new IdentifyRequest { Images = [new IdentifyImage(photo, "stem")] },
            "project" => Request(photo) with { Project = "antarctica" },
            "lang" => Request(photo) with { Lang = "tlh" },
            _ => Request(photo) with { MaxResults = 0 },
        };
        var e = Assert.Throws<IdentifyException>(() => Engine().Identify(request));
        Assert.Equal(expected, e.Error);
    }

    [Fact]
    public void ABadPhotoIsNamedInTheError()
    {
        var e = Assert.Throws<IdentifyException>(() => Engine().Identify(Request(Array.Empty<byte>())));
        Assert.Equal(IdentifyError.BadImage, e.Error);
        Assert.StartsWith("Image 1 (photo1.jpg): ", e.Message, StringComparison.Ordinal);
        Assert.Equal(ImageProblem.Empty, Assert.IsType<ImageInputException>(e.InnerException).Problem);
    }

    [Fact]
    public void TheBadPhotoAmongGoodOnesIsTheOneNamed()
    {
        // Photos decode in parallel; the error must name the photo that failed, even when it fails
        // while a slower, good photo before it is still decoding.
        var engine = Engine();
        var slow = TestImages.Jpeg(4000, 3000, SkiaSharp.SKColors.ForestGreen);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var e = Assert.Throws<IdentifyException>(() => engine.Identify(Request(slow, TestImages.TextFile(), slow)));
            Assert.StartsWith("Image 2 (photo2.jpg): ", e.Message, StringComparison.Ordinal);
        }
    }
}
