using System.Net;
using Florascope.Survey;
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
        Task survey, identify;
        // The test holds the one worker, so that the survey and then the identification queue for it in that order,
        // whatever the machine's speed: no race between the survey's end and the identification being sent.
        using (var admission = pool.TryAdmit())
        {
            Assert.NotNull(admission);
            var held = await admission.WorkerAsync(Ct);
            survey = Task.Run(async () =>
            {
                using var response = await Host.SurveyAsync(key, SurveyCalls.Form(SurveyPlots.FourTaxa));
                lock (finished) finished.Add($"survey {(int)response.StatusCode}");
            }, Ct);
            await WaitUntilAsync(() => pool.Waiting >= 1 || survey.IsCompleted);
            Assert.False(survey.IsCompleted, "the survey ended without waiting for the worker");
            identify = Task.Run(async () =>
            {
                using var identified = await Host.Client.IdentifyAsync(key, Photos.Form(Photos.Plant("Rosa"), "auto"), query: "nb-results=1");
                lock (finished) finished.Add($"identify {(int)identified.StatusCode}");
            }, Ct);
            await WaitUntilAsync(() => pool.Waiting >= 2 || identify.IsCompleted);
            Assert.False(identify.IsCompleted, "the identification ended without waiting for the worker");
            // Freed: the survey's first step takes the worker, and the identification (FIFO) goes before its next chunk;
            // the plot makes many chunks, so the survey is still running then.
            Assert.True(SurveyTiling.Count(2000, 2000, new TilingSettings()) > 2 * SurveyEngine.Chunk);
            held.Dispose();
        }
        await Task.WhenAll(survey, identify);
        Assert.Equal(["identify 200", "survey 200"], finished);
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
