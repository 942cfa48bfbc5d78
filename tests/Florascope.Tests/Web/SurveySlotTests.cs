using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Florascope.Survey;
using Florascope.Tests.Survey;
using Florascope.Tests.TestSupport;
using Florascope.Web.Hosting;
using Florascope.Web.Identify;
using Florascope.Web.Survey;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Web;

/// <summary>One inference worker, one survey at a time on the node (a fixture of its own: these tests hold the slot).</summary>
public sealed class OneSurveySlotServerFixture : SurveyServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Florascope:Inference:Workers"] = "1",
        ["Florascope:Survey:MaxConcurrent"] = "1",
    };
}

/// <summary>The node's survey slots: taken once the body is in, refused and counted when full; a survey stopped early keeps only what ran.</summary>
[Trait("Category", "Slow")]
public sealed partial class SurveySlotTests(OneSurveySlotServerFixture fixture) : IClassFixture<OneSurveySlotServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private FlorascopeHost Host => fixture.Host;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition()) await Task.Delay(10, Ct);
    }

    [Fact]
    public async Task ASlowBodyDoesNotHoldTheSurveySlot()
    {
        var limiter = Host.App.Services.GetRequiredService<SurveyLimiter>();
        var intake = Host.App.Services.GetRequiredService<BodyIntake>();
        Assert.Equal(1, limiter.Max);
        var key = await Host.CreateSurveyKeyAsync(quota: 1000);
        using (var slow = await Trickler.StartAsync(LoopbackClients.Address(61), Host.BaseAddress, "/" + SurveyCalls.Url(key), 5_000_000, Ct))
        {
            // The slow body is being received: it holds an intake place, not the node's survey slot.
            await WaitUntilAsync(() => intake.InFlight >= 1);
            Assert.Equal(0, limiter.Running);
            using var ok = await Host.SurveyAsync(key, SurveyCalls.Form(SurveyPlots.Mosaic(300)));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        Assert.Equal(1, await Host.Client.CountTodayAsync(key));
    }

    [Fact]
    public async Task AFullNodeIs503WithRetryAfterCountedAsARefusalAndCostsNothing()
    {
        var limiter = Host.App.Services.GetRequiredService<SurveyLimiter>();
        var key = await Host.CreateSurveyKeyAsync(quota: 1000);
        var before = await SurveysBusyAsync();
        using (var held = limiter.TryEnter())
        {
            Assert.NotNull(held);
            using var refused = await Host.SurveyAsync(key, SurveyCalls.Form(SurveyPlots.Mosaic(300)));
            await refused.ErrorAsync(503);
            Assert.True(refused.Headers.RetryAfter is not null);
        }
        Assert.True(await SurveysBusyAsync() >= before + 1);
        Assert.Equal(0, await Host.Client.CountTodayAsync(key));
    }

    [Fact]
    public async Task ASurveyWhoseClientGoesAwayKeepsOnlyTheUnitsOfTheChunksThatRan()
    {
        var pool = Host.App.Services.GetRequiredService<InferencePool>();
        var limiter = Host.App.Services.GetRequiredService<SurveyLimiter>();
        var key = await Host.CreateSurveyKeyAsync(quota: 1000);
        (string, string)[] fields = [("tile_size", "128"), ("tile_stride", "64"), ("multi_scale", "false")];
        var tiles = SurveyTiling.Count(2000, 2000, new TilingSettings { TileSize = 128, Stride = 64, MultiScale = false });
        Assert.InRange(tiles, 500, TilingSettings.MaxTiles);
        var units = SurveyCost.Units(tiles);

        using var gone = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var survey = Host.Client.PostAsync(SurveyCalls.Url(key), SurveyCalls.Form(SurveyPlots.FourTaxa, fields), gone.Token);
        // Charged (all its units at once), then its chunks start: the client goes away.
        var counted = 0;
        while (counted == 0 && !survey.IsCompleted)
        {
            counted = await Host.Client.CountTodayAsync(key);
            if (counted == 0) await Task.Delay(20, Ct);
        }
        Assert.False(survey.IsCompleted, "the survey ended before it could be cancelled");
        Assert.Equal(units, counted);
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => survey);
        await WaitUntilAsync(() => pool.Admitted == 0 && limiter.Running == 0);

        // Kept: the units of the windows whose chunks ran before it stopped, the rest given back.
        var kept = await Host.Client.CountTodayAsync(key);
        var chunks = (tiles + SurveyEngine.Chunk - 1) / SurveyEngine.Chunk;
        Assert.True(kept < units, $"kept {kept} of {units}");
        Assert.Contains(kept, Enumerable.Range(0, chunks + 1).Select(done => units - SurveyRefund.Unused(units, tiles, done)));
    }

    [Fact]
    public async Task TheLimitsListTheSurveyLimits()
    {
        var limits = await Host.Client.GetJsonAsync("api/limits");
        Assert.Equal(1, limits["surveysAtOncePerNode"]!.GetValue<int>());
        Assert.Equal(TilingSettings.MaxTiles, limits["maxSurveyWindows"]!.GetValue<int>());
        Assert.Equal(SurveyCost.TilesPerUnit, limits["surveyWindowsPerUnit"]!.GetValue<int>());
    }

    private async Task<double> SurveysBusyAsync()
    {
        var text = await Host.Client.GetStringAsync(ServerMetrics.Path.TrimStart('/'), Ct);
        var match = SurveysBusyLine().Match(text);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex("""^florascope_quota_refusals_total\{kind="surveys-busy"\} (\S+)$""", RegexOptions.Multiline)]
    private static partial Regex SurveysBusyLine();
}
