using System.Net;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>A browser widget on another origin can call the API and read its answers, errors included.</summary>
[Trait("Category", "Slow")]
[Collection(SharedServerCollection.Name)]
public sealed class CorsTests(SharedServerFixture fixture)
{
    private const string Origin = "https://widget.example";

    private FlorascopeHost Host => fixture.Host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void AssertAllowed(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values), "no Access-Control-Allow-Origin");
        Assert.Contains(Assert.Single(values), new[] { "*", Origin });
    }

    [Fact]
    public async Task PreflightIsAllowed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "v2/identify/all?api-key=x");
        request.Headers.Add("Origin", Origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var response = await Host.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        AssertAllowed(response);
        Assert.Contains("POST", response.Header("Access-Control-Allow-Methods"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IdentifyAnswersCarryTheCorsHeaders()
    {
        var key = await Host.CreateKeyAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiCalls.IdentifyUrl(key, query: "include-related-images=true&nb-results=1"))
        {
            Content = Photos.Form(Photos.Plant("Rosa"), "auto"),
        };
        request.Headers.Add("Origin", Origin);
        using var response = await Host.Client.SendAsync(request, Ct);

        await response.JsonAsync();
        AssertAllowed(response);
        // The widget may read its quota.
        Assert.Contains("RateLimit", response.Header("Access-Control-Expose-Headers"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorAnswersCarryTheCorsHeaders()
    {
        // The widget shows the message of an error: it must be able to read it.
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/identify/all?api-key=fsk_unknown")
        {
            Content = Photos.Form(Photos.Plant("Rosa"), "auto"),
        };
        request.Headers.Add("Origin", Origin);
        using var response = await Host.Client.SendAsync(request, Ct);

        await response.ErrorAsync(401);
        AssertAllowed(response);
    }
}
