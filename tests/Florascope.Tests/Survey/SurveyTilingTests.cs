using Florascope.Survey;

namespace Florascope.Tests.Survey;

public sealed class SurveyTilingTests
{
    private static readonly TilingSettings Defaults = new();

    [Fact]
    public void ATwelveMegapixelPhotoWithTheDefaultsMakes224TilesOverSixScales()
    {
        // Worked by hand: sides 600, 849, 1200, 1697, 2400 (x1.414...) and the short side 3000; strides 300, 424, 600,
        // 849, 1200, 1500; windows 13x9 + 9x7 + 6x4 + 4x3 + 3x2 + 2x1 = 117 + 63 + 24 + 12 + 6 + 2.
        Assert.Equal([600, 849, 1200, 1697, 2400, 3000], SurveyTiling.Sizes(4000, 3000, Defaults));
        var tiles = SurveyTiling.Tiles(4000, 3000, Defaults);
        Assert.Equal(224, tiles.Count);
        Assert.Equal(224, SurveyTiling.Count(4000, 3000, Defaults));
    }

    [Theory]
    [InlineData(4000, 3000)]
    [InlineData(3000, 4000)]
    [InlineData(1000, 700)]
    [InlineData(601, 600)]
    public void EveryScaleCoversThePhotoFlushWithItsEdgesWithStepsNoLongerThanItsStride(int width, int height)
    {
        foreach (var group in SurveyTiling.Tiles(width, height, Defaults).GroupBy(t => t.Size))
        {
            var size = group.Key;
            var stride = Math.Round(300.0 * size / 600);
            var xs = group.Select(t => t.X).Distinct().Order().ToList();
            var ys = group.Select(t => t.Y).Distinct().Order().ToList();
            Assert.Equal(0, xs[0]);
            Assert.Equal(0, ys[0]);
            Assert.Equal(width - size, xs[^1]);
            Assert.Equal(height - size, ys[^1]);
            Assert.All(xs.Zip(xs.Skip(1)), p => Assert.InRange(p.Second - p.First, 1, stride));
            Assert.All(ys.Zip(ys.Skip(1)), p => Assert.InRange(p.Second - p.First, 1, stride));
            Assert.Equal(1.0, SurveyAggregation.UnionArea(group, width, height) / ((double)width * height), 9);
        }
    }

    [Fact]
    public void APhotoSmallerThanATileIsCutInWindowsOfItsShortSideAndOneScaleWithoutMultiScale()
    {
        Assert.Equal([400], SurveyTiling.Sizes(500, 400, Defaults));
        Assert.Equal([new Tile(0, 0, 400), new Tile(100, 0, 400)], SurveyTiling.Tiles(500, 400, Defaults));
        Assert.Equal([600], SurveyTiling.Sizes(4000, 3000, Defaults with { MultiScale = false }));
        Assert.Equal(117, SurveyTiling.Count(4000, 3000, Defaults with { MultiScale = false }));
    }

    [Fact]
    public void SmallWindowsOnAHugePhotoAreCountedBeforeAnyWorkAndSettingsOutOfRangeAreNamed()
    {
        Assert.True(SurveyTiling.Count(8000, 6000, Defaults with { TileSize = 64, Stride = 16 }) > TilingSettings.MaxTiles);
        Assert.Null(Defaults.Problem());
        Assert.Equal("tile_size must be between 64 and 10000 px", (Defaults with { TileSize = 10 }).Problem()?.English);
        Assert.Equal("server.survey.tile-size-range", (Defaults with { TileSize = 10 }).Problem()?.Key);
        Assert.Equal("tile_stride must be between 16 px and tile_size", (Defaults with { Stride = 700 }).Problem()?.English);
        Assert.Equal("server.survey.tile-stride-range", (Defaults with { Stride = 700 }).Problem()?.Key);
        Assert.Equal("size_factor must be between 1.1 and 4", (Defaults with { SizeFactor = double.NaN }).Problem()?.English);
        Assert.Equal("server.survey.size-factor-range", (Defaults with { SizeFactor = double.NaN }).Problem()?.Key);
    }

    [Fact]
    public void FromGivesPlNetsDefaultsAndAnAbsentStrideHalfASmallTile()
    {
        Assert.Equal(Defaults, TilingSettings.From());
        // tile_size alone below 600: the stride follows it (half the tile), not refused about a field never sent.
        Assert.Equal(Defaults with { TileSize = 256, Stride = 128 }, TilingSettings.From(tileSize: 256));
        Assert.Null(TilingSettings.From(tileSize: 256).Problem());
        Assert.Null(TilingSettings.From(tileSize: 64).Problem());
        // Above 600 the stride stays 300; a stride sent is kept as sent (and checked).
        Assert.Equal(Defaults with { TileSize = 1000 }, TilingSettings.From(tileSize: 1000));
        Assert.Equal(Defaults with { TileSize = 256, Stride = 300 }, TilingSettings.From(256, 300));
        Assert.NotNull(TilingSettings.From(256, 300).Problem());
        Assert.Equal(Defaults with { MultiScale = false, SizeFactor = 2 }, TilingSettings.From(multiScale: false, sizeFactor: 2));
    }
}
