using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Survey;

/// <summary>plot=true|false on POST /api/observations (issue 15): "fromPlot" in the JSON only when true; a bad value refused with nothing stored.</summary>
[Trait("Category", "Slow")]
[Collection(ObservatoryServerCollection.Name)]
public sealed class PlotObservationApiTests(ObservatoryServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PlotTrueIsKeptAndShownFalseOrAbsentIsOmitted()
    {
        using var author = await fixture.NewUserAsync("plotter");
        var photo = Photos.Plant("Helianthus_annuus", 2);
        var plot = await author.CreatedAsync(photo, [new("taxon", "Helianthus annuus"), new("plot", "true")]);
        Assert.True(plot["fromPlot"]!.GetValue<bool>());
        // The model does not vote on a plot photo (it shows several plants): no suggestion stored, the author's vote alone.
        Assert.Null(plot["revision"]!["modelTaxonName"]);
        Assert.Single(plot["revision"]!["votes"]!.AsArray());
        var again = JsonNode.Parse(await author.Http.GetStringAsync($"/api/observations/{plot["id"]}", Ct))!;
        Assert.True(again["fromPlot"]!.GetValue<bool>());
        // A second species of the same plot: the same photo file, stored once.
        var second = await author.CreatedAsync(photo, [new("taxon", "Taraxacum officinale"), new("plot", "true")]);
        Assert.Equal(plot["photos"]![0]!["sha256"]!.GetValue<string>(), second["photos"]![0]!["sha256"]!.GetValue<string>());

        var no = await author.CreatedAsync(fields: [new("taxon", "Taraxacum officinale"), new("plot", "false")]);
        Assert.False(no.AsObject().ContainsKey("fromPlot"));
        var plain = await author.CreatedAsync();
        Assert.False(plain.AsObject().ContainsKey("fromPlot"));
        Assert.NotNull(plain["revision"]!["modelTaxonName"]);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("on")]
    public async Task ABadPlotValueIsABadRequestAndStoresNothing(string value)
    {
        using var author = await fixture.NewUserAsync("badplot");
        var before = await fixture.CountsAsync();
        using var response = await author.CreateAsync([Photos.Plant("Taraxacum_officinale")], fields: [new("taxon", "Taraxacum officinale"), new("plot", value)]);
        Assert.Contains("plot", await response.ErrorAsync(400), StringComparison.Ordinal);
        Assert.Equal(before, await fixture.CountsAsync());
    }
}
