using System.Net;
using Florascope.Tests.Survey;
using Florascope.Tests.TestSupport;
using Florascope.Web.Identify;
using Florascope.Web.Survey;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Web;

/// <summary>One inference worker, one survey at a time on the node.</summary>
public sealed class OneWorkerSurveyServerFixture : SurveyServerFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Florascope:Inference:Workers"] = "1",
        ["Florascope:Survey:MaxConcurrent"] = "1",
    };
}

/// <summary>A survey shares the bounded pool chunk by chunk, and the node runs a bounded number of surveys.</summary>
[Trait("Category", "Slow")]
public sealed class SurveyPoolTests(OneWorkerSurveyServerFixture fixture) : IClassFixture<OneWorkerSurveyServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private FlorascopeHost Host => fixture.Host;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition()) await Task.Delay(10, Ct);
    }

    [Fact]
    public async Task AnIdentificationSentWhileASurveyRunsIsAnsweredBeforeTheSurveyEnds()
    {
        var pool = Host.App.Services.GetRequiredService<InferencePool>();
        Assert.Equal(1, pool.Workers);
        var key = await Host.CreateSurveyKeyAsync(quota: 1000);
        var finished = new List<string>();
        var survey = Task.Run(async () =>
        {
            using var response = await Host.SurveyAsync(key, SurveyCalls.Form(SurveyPlots.FourTaxa));
            lock (finished) finished.Add($"survey {(int)response.StatusCode}");
        }, Ct);
        // The survey is admitted to the pool (its body received): from now on it takes the one worker chunk by chunk.
        await WaitUntilAsync(() => pool.Admitted >= 1 || survey.IsCompleted);
        Assert.False(survey.IsCompleted, "the survey ended before an identification could be sent");
        using (var identified = await Host.Client.IdentifyAsync(key, Photos.Form(Photos.Plant("Rosa"), "auto"), query: "nb-results=1"))
            lock (finished) finished.Add($"identify {(int)identified.StatusCode}");
        await survey;
        Assert.Equal(["identify 200", "survey 200"], finished);
    }

    [Fact]
    public async Task ASurveyOverTheNodesLimitIs503WithRetryAfterBeforeItsBodyIsRead()
    {
        var limiter = Host.App.Services.GetRequiredService<SurveyLimiter>();
        Assert.Equal(1, limiter.Max);
        var key = await Host.CreateSurveyKeyAsync(quota: 1000);
        // A client sending its plot slowly holds the node's one survey slot (the slot is taken before the body is read).
        using (var slow = await Trickler.StartAsync(LoopbackClients.Address(60), Host.BaseAddress, "/" + SurveyCalls.Url(key), 5_000_000, Ct))
        {
            await WaitUntilAsync(() => limiter.Running == 1);
            using var refused = await Host.SurveyAsync(key, SurveyCalls.Form(SurveyPlots.Mosaic(300)));
            await refused.ErrorAsync(503);
            Assert.True(refused.Headers.RetryAfter is not null);
        }
        // The slow client gone, its slot is free again.
        await WaitUntilAsync(() => limiter.Running == 0);
        using var ok = await Host.SurveyAsync(key, SurveyCalls.Form(SurveyPlots.Mosaic(300)));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(1, await Host.Client.CountTodayAsync(key));
    }

    [Fact]
    public async Task ASurveyWhoseClientGoesAwayStopsAndFreesItsSlots()
    {
        var pool = Host.App.Services.GetRequiredService<InferencePool>();
        var limiter = Host.App.Services.GetRequiredService<SurveyLimiter>();
        var key = await Host.CreateSurveyKeyAsync(quota: 1000);
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var survey = Host.Client.PostAsync(SurveyCalls.Url(key), SurveyCalls.Form(SurveyPlots.FourTaxa), gone.Token);
        await WaitUntilAsync(() => pool.Admitted >= 1 || survey.IsCompleted);
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => survey);
        // The survey stops at its next chunk: its admission, worker and survey slots are all given back.
        await WaitUntilAsync(() => pool.Admitted == 0 && limiter.Running == 0);
        using var next = await Host.SurveyAsync(key, SurveyCalls.Form(SurveyPlots.Mosaic(300)));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }
}
