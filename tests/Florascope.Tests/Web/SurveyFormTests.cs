using Florascope.Survey;
using Florascope.Web.Survey;

namespace Florascope.Tests.Web;

/// <summary>The survey's form fields (pure): Pl@ntNet's defaults, each bad value named, a small tile alone valid.</summary>
public class SurveyFormTests
{
    private static (SurveySettings? Settings, Florascope.Messages.MessageText? Error) Parse(params (string Name, string Value)[] fields) =>
        SurveyForm.Parse(fields.ToDictionary(f => f.Name, f => f.Value));

    [Fact]
    public void NoFieldGivesPlNetsDefaults()
    {
        var (settings, error) = Parse();
        Assert.Null(error);
        Assert.Equal(new TilingSettings(), settings!.Tiling);
        Assert.Equal(new CountingRule(), settings.Counting);
        Assert.Equal(new SurveyLevels(), settings.Levels);
    }

    [Fact]
    public void ASmallTileAloneGetsAStrideOfHalfItsSide()
    {
        var (settings, error) = Parse(("tile_size", "256"));
        Assert.Null(error);
        Assert.Equal((256, 128), (settings!.Tiling.TileSize, settings.Tiling.Stride));
        Assert.Null(settings.Tiling.Problem());
        // A stride sent is kept, even one the tiling then refuses.
        Assert.Equal(300, Parse(("tile_size", "256"), ("tile_stride", "300")).Settings!.Tiling.Stride);
    }

    [Theory]
    [InlineData("tile_size", "abc", "server.survey.bad-integer")]
    [InlineData("multi_scale", "yes", "server.survey.bad-boolean")]
    [InlineData("size_factor", "NaN", "server.survey.bad-number")]
    [InlineData("min_score", "2", "server.survey.bad-score")]
    [InlineData("max_rank", "0", "server.survey.bad-rank")]
    [InlineData("show_genus", "1", "server.survey.bad-boolean")]
    public void ABadValueIsNamed(string field, string value, string key)
    {
        var (settings, error) = Parse((field, value));
        Assert.Null(settings);
        Assert.Equal(key, error!.Key);
        Assert.Contains(field, error.English, StringComparison.Ordinal);
    }

    [Fact]
    public void TheFieldsPlNetsBenchmarkScriptSendsAreRead()
    {
        var (settings, error) = Parse(("tile_size", "600"), ("tile_stride", "300"), ("size_factor", "1.4142135623730951"),
            ("min_score", "0.3"), ("max_rank", "3"), ("multi_scale", "true"), ("show_species", "true"), ("show_genus", "true"), ("show_family", "true"));
        Assert.Null(error);
        Assert.Equal(new SurveyLevels(true, true, true), settings!.Levels);
        Assert.True(settings.Tiling.MultiScale);
    }
}
