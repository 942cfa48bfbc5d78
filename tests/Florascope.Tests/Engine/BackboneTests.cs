using Florascope.Engine;
using Florascope.Imaging;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Engine;

public sealed class BackboneTests(BackboneFixture fixture)
{
    private readonly Backbone _backbone = fixture.Backbone;

    private static PreparedImage Photo(string taxonFolder, int index = 0) =>
        ImageDecoder.Prepare(File.ReadAllBytes(RepoPaths.ValPhotosOf(taxonFolder)[index]));

    private float[] EmbedBatch(IReadOnlyList<PreparedImage> images)
    {
        var input = new float[images.Count * Backbone.ImageFloats];
        for (var i = 0; i < images.Count; i++)
            _backbone.FillInput(images[i].Rgba, 0, input.AsSpan(i * Backbone.ImageFloats, Backbone.ImageFloats));
        var output = new float[images.Count * Backbone.Dim];
        _backbone.Run(input, images.Count, output);
        return output;
    }

    [Fact]
    public void ABatchOfThreeEqualsThreeSingleRuns()
    {
        PreparedImage[] images = [Photo("Rosa"), Photo("Helianthus_annuus"), Photo("Ginkgo_biloba")];
        var batch = EmbedBatch(images);
        for (var i = 0; i < images.Length; i++)
        {
            var single = EmbedBatch([images[i]]);
            for (var d = 0; d < Backbone.Dim; d++)
                Assert.True(Math.Abs(single[d] - batch[i * Backbone.Dim + d]) <= 1e-4f,
                    $"image {i}, dim {d}: single {single[d]} vs batch {batch[i * Backbone.Dim + d]}");
        }
        // Different photos give different embeddings (the batch is not one image repeated).
        Assert.NotEqual(batch.AsSpan(0, Backbone.Dim).ToArray(), batch.AsSpan(Backbone.Dim, Backbone.Dim).ToArray());
    }

    [Fact]
    public void ARealPhotoHasANonZero512dEmbedding()
    {
        var embedding = fixture.Embedder.Embed(Photo("Tulipa"), [0]);
        Assert.Equal(512, embedding.Length);
        Assert.All(embedding, v => Assert.True(float.IsFinite(v)));
        // Average-pooled ReLU activations: non-negative, and many of them active.
        Assert.All(embedding, v => Assert.True(v >= 0));
        Assert.True(embedding.Count(v => v > 0) > 100);
    }

    [Fact]
    public void EmbedderKeepsThePairOrder()
    {
        var rose = Photo("Rosa");
        var tulip = Photo("Tulipa");
        var pairs = fixture.Embedder.Embed([(rose, 0), (tulip, 0), (rose, 1)]);
        var roseAlone = fixture.Embedder.Embed(rose, [0]);
        var tulipAlone = fixture.Embedder.Embed(tulip, [0]);
        for (var d = 0; d < Backbone.Dim; d++)
        {
            Assert.Equal(roseAlone[d], pairs[d], 1e-4f);
            Assert.Equal(tulipAlone[d], pairs[Backbone.Dim + d], 1e-4f);
        }
        Assert.Empty(fixture.Embedder.Embed([]));
    }

    [Fact]
    public void ViewsAreTheSymmetriesOfTheSquare()
    {
        // A pixel buffer whose value encodes the position; mean-free by subtracting the mean afterwards.
        const int n = Backbone.InputSize, last = n - 1;
        var rgba = new byte[n * n * 4];
        for (var y = 0; y < n; y++)
            for (var x = 0; x < n; x++)
            {
                rgba[(y * n + x) * 4] = (byte)x;
                rgba[(y * n + x) * 4 + 1] = (byte)y;
            }
        var slot = new float[Backbone.ImageFloats];
        var mean = _backbone.MeanImage.ToArray();
        // (view, output x, output y) -> source (x, y), for a sample of views:
        // 1 mirrors left-right, 3 turns by 180 degrees, 6 transposes.
        foreach (var (view, sx, sy) in new[] { (0, 10, 20), (1, last - 10, 20), (3, last - 10, last - 20), (6, 20, 10) })
        {
            _backbone.FillInput(rgba, view, slot);
            var i = 20 * n + 10; // output pixel (10, 20)
            Assert.Equal(sx, slot[i] + mean[i], 1e-3f);
            Assert.Equal(sy, slot[Backbone.PlaneSize + i] + mean[Backbone.PlaneSize + i], 1e-3f);
        }
    }

    [Fact]
    public void MeanImageLooksLikeTheImageNetMean()
    {
        var mean = _backbone.MeanImage;
        Assert.Equal(Backbone.ImageFloats, mean.Length);
        // One value per channel plane, plus a few elsewhere: ImageNet channel means lie around 104..124.
        foreach (var i in new[] { 0, 1234, Backbone.PlaneSize, Backbone.PlaneSize + 999, 2 * Backbone.PlaneSize, Backbone.ImageFloats - 1 })
            Assert.InRange(mean[i], 100f, 130f);
    }

    [Fact]
    public void BackboneHashIsThatOfTheShippedFile()
    {
        Assert.Matches("^[0-9a-f]{64}$", _backbone.Sha256);
    }

    [Fact]
    public void BatchPatchOnlyChangesShapes()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
        var original = File.ReadAllBytes(path);
        var patched = OnnxBatchPatch.MakeBatchDynamic(original, new HashSet<string> { "Input247", "Pooling395_Output_0" });
        // The same nodes in the same order; the weights are copied, so the size barely moves.
        Assert.Equal(OnnxBatchPatch.OpTypes(original), OnnxBatchPatch.OpTypes(patched));
        Assert.Contains("Conv", OnnxBatchPatch.OpTypes(patched));
        Assert.InRange(patched.Length, original.Length - 64 * 1024, original.Length + 1024);
    }

    [Fact]
    public void WrongSizedBuffersAreRefused()
    {
        Assert.Throws<ArgumentException>(() => _backbone.FillInput(new byte[10], 0, new float[Backbone.ImageFloats]));
        Assert.Throws<ArgumentException>(() => _backbone.Run(new float[Backbone.ImageFloats], 2, new float[2 * Backbone.Dim]));
        Assert.Throws<ArgumentOutOfRangeException>(() => _backbone.Run(new float[Backbone.ImageFloats], 0, new float[Backbone.Dim]));
    }

    [Fact]
    public void MissingModelFilesAreReported()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<FileNotFoundException>(() => new Backbone(new BackboneOptions { ModelDirectory = dir.Path }));
        Assert.Contains(dir.Path, e.Message, StringComparison.Ordinal);
    }
}
