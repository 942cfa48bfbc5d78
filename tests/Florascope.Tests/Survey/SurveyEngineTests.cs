using Florascope.Bundles;
using Florascope.Identification;
using Florascope.Imaging;
using Florascope.Survey;
using Florascope.Tests.TestSupport;
using SkiaSharp;

namespace Florascope.Tests.Survey;

/// <summary>The survey on the real network and the shipped demo model: a mosaic plot of four taxa.</summary>
public sealed class SurveyEngineTests(BackboneFixture fixture)
{
    private static readonly string[] Taxa = SurveyPlots.Taxa;

    private static byte[] Mosaic(int cell) => SurveyPlots.Mosaic(cell);

    [Fact]
    public void AMosaicOfFourTaxaIsCutAsTheTilingSaysAndItsTaxaAreFoundWhereTheyAre()
    {
        var engine = new IdentificationEngine(ModelBundle.Load(RepoPaths.ModelBundle), fixture.Embedder);
        var plot = Mosaic(1000);
        var request = new SurveyRequest(plot);
        Assert.Equal(SurveyTiling.Count(2000, 2000, new TilingSettings()), SurveyEngine.TileCount(request));
        var chunks = 0;
        var result = SurveyEngine.Run(engine, request, work => { chunks++; work(); });
        Assert.Equal((2000, 2000), (result.Width, result.Height));
        Assert.Equal(SurveyEngine.TileCount(request), result.Species.Tiles);
        Assert.Equal((result.Species.Tiles + SurveyEngine.Chunk - 1) / SurveyEngine.Chunk, chunks);
        var found = result.Species.Labels.Select(l => l.Name.Replace(' ', '_')).ToHashSet();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("; ", result.Species.Labels.Select(l => $"{l.Name} count {l.Count} coverage {l.Coverage:P0} max {l.MaxScore:F2}")));
        Assert.True(Taxa.Count(found.Contains) >= 3, $"found {string.Join(", ", found)}");
        // Each taxon found is found mostly in its own quarter: the mean centre of its tiles lies in that quarter.
        foreach (var label in result.Species.Labels.Where(l => Taxa.Contains(l.Name.Replace(' ', '_'))))
        {
            var i = Array.IndexOf(Taxa, label.Name.Replace(' ', '_'));
            var best = label.Locations.OrderByDescending(l => l.Score).First();
            Assert.True(best.CenterX >= i % 2 * 1000 - 500 && best.CenterX <= (i % 2 + 1) * 1000 + 500, $"{label.Name} best at {best.CenterX}");
        }
    }

    [Fact]
    public void TooManyTilesOrBadSettingsAreRefusedFromTheHeaderAlone()
    {
        var big = TestImages.Jpeg(8000, 6000, SKColors.Green);
        var many = Assert.Throws<SurveyException>(() => SurveyEngine.TileCount(new SurveyRequest(big, Tiling: new TilingSettings { TileSize = 64, Stride = 16 })));
        Assert.Equal(SurveyError.TooManyTiles, many.Error);
        Assert.Equal("server.survey.too-many-tiles", many.Text.Key);
        // The exception's message stays the English text (the CLI prints it).
        Assert.Equal(many.Text.English, many.Message);
        Assert.StartsWith("The photo would make ", many.Message, StringComparison.Ordinal);
        var bad = Assert.Throws<SurveyException>(() => SurveyEngine.TileCount(new SurveyRequest(big, Tiling: new TilingSettings { Stride = 0 })));
        Assert.Equal(SurveyError.BadSettings, bad.Error);
        Assert.Equal("server.survey.tile-stride-range", bad.Text.Key);
        Assert.Throws<ImageInputException>(() => SurveyEngine.TileCount(new SurveyRequest([1, 2, 3])));
        // An EXIF-rotated photo is tiled upright.
        var rotated = TestImages.WithExifOrientation(TestImages.Jpeg(1200, 800, SKColors.Green), 6);
        Assert.Equal((800, 1200), ImageDecoder.ReadUprightSize(rotated));
    }
}
