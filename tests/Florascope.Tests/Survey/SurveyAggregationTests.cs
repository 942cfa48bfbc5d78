using Florascope.Survey;

namespace Florascope.Tests.Survey;

public sealed class SurveyAggregationTests
{
    [Fact]
    public void UnionAreaCountsOverlapsOnceAndClipsToThePhoto()
    {
        // Two 10x10 squares overlapping on 5x10, and one hanging 5 px off the right edge of a 30x10 photo.
        Tile[] tiles = [new(0, 0, 10), new(5, 0, 10), new(25, 0, 10)];
        Assert.Equal(15 * 10 + 5 * 10, SurveyAggregation.UnionArea(tiles, 30, 10));
        Assert.Equal(0, SurveyAggregation.UnionArea([], 30, 10));
    }

    [Fact]
    public void ALabelCountsInATileOnlyAboveTheMinimumScoreAndWithinTheTopRanks()
    {
        // A 20x10 photo, two 10x10 tiles side by side.
        var left = new Tile(0, 0, 10);
        var right = new Tile(10, 0, 10);
        TileResult[] results =
        [
            new(left, [new("Bellis perennis", 0.6), new("Rosa canina", 0.35), new("Zea mays", 0.31), new("Acer campestre", 0.9)]),
            new(right, [new("Bellis perennis", 0.5), new("Rosa canina", 0.2)]),
        ];
        var survey = SurveyAggregation.Aggregate(20, 10, results, new CountingRule());
        // Acer is rank 4 (out of the top 3 however high), Rosa below 0.3 on the right.
        Assert.Equal(["Bellis perennis", "Rosa canina", "Zea mays"], survey.Labels.Select(l => l.Name));
        var bellis = survey.Labels[0];
        Assert.Equal((0.6, 2, 1.0), (bellis.MaxScore, bellis.Count, bellis.Coverage));
        Assert.Equal([(5.0, 5.0, 0.6), (15.0, 5.0, 0.5)], bellis.Locations.Select(l => (l.CenterX, l.CenterY, l.Score)));
        Assert.Equal((0.35, 1, 0.5), (survey.Labels[1].MaxScore, survey.Labels[1].Count, survey.Labels[1].Coverage));
        Assert.Equal((2, 2, 0.0), (survey.Tiles, survey.MatchingTiles, survey.Uncovered));
    }

    [Fact]
    public void TilesWhereNothingCountsLeaveThePhotoUncovered()
    {
        TileResult[] results =
        [
            new(new Tile(0, 0, 10), [new("Bellis perennis", 0.9)]),
            new(new Tile(10, 0, 10), [new("Rosa canina", 0.1)]),
            new(new Tile(20, 0, 10), []),
        ];
        var survey = SurveyAggregation.Aggregate(30, 10, results, new CountingRule(MinScore: 0.5, MaxRank: 1));
        Assert.Single(survey.Labels);
        Assert.Equal(1, survey.MatchingTiles);
        Assert.Equal(2.0 / 3, survey.Uncovered, 12);
    }
}
