using System.Net;
using System.Text.Json.Nodes;

namespace Florascope.Tests.TestSupport;

/// <summary>The calls and checks the HTTP tests share.</summary>
public static class ApiCalls
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>POST /v2/identify/{project}?api-key=...&amp;{query}.</summary>
    public static Task<HttpResponseMessage> IdentifyAsync(this HttpClient client, TestKey key, HttpContent body,
        string project = "all", string query = "") =>
        client.PostAsync(IdentifyUrl(key, project, query), body, Ct);

    public static string IdentifyUrl(TestKey key, string project = "all", string query = "") =>
        $"v2/identify/{project}?api-key={Uri.EscapeDataString(key.Secret)}" + (query.Length > 0 ? "&" + query : "");

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text) ?? throw new InvalidDataException("null JSON body");
    }

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(url, Ct);
        return await response.JsonAsync(expected);
    }

    /// <summary>Checks the documented error body {statusCode, error, message} (exactly those keys) and returns the message.</summary>
    public static async Task<string> ErrorAsync(this HttpResponseMessage response, int status, string? error = null)
    {
        var body = (await response.JsonAsync((HttpStatusCode)status)).AsObject();
        ContractSchemas.AssertValid(ContractSchemas.Error, body);
        Assert.Equal(["statusCode", "error", "message"], body.Select(p => p.Key));
        Assert.Equal(status, body["statusCode"]!.GetValue<int>());
        Assert.Equal(error ?? ReasonPhrase(status), body["error"]!.GetValue<string>());
        var message = body["message"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message));
        return message;
    }

    /// <summary>The reason phrases of the contract (shared/docs/identify-api-v2.md).</summary>
    public static string ReasonPhrase(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Today's count for the key, from GET /v2/quota/daily.</summary>
    public static async Task<int> CountTodayAsync(this HttpClient client, TestKey key) =>
        (await client.GetJsonAsync($"v2/quota/daily?api-key={Uri.EscapeDataString(key.Secret)}"))["count"]!.GetValue<int>();

    public static string Header(this HttpResponseMessage response, string name)
    {
        Assert.True(response.Headers.TryGetValues(name, out var values), $"No {name} header.");
        return string.Join(",", values);
    }
}
