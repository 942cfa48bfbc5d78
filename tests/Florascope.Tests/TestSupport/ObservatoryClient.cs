using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Florascope.Tests.TestSupport;

/// <summary>
/// One simulated person of the observatory: a client with its own cookie jar, so the sign-in
/// cookie and the anti-forgery cookie travel like in a browser.
/// </summary>
public sealed class ObservatoryClient : IDisposable
{
    public const string Password = "correct horse battery";

    private readonly HttpClientHandler _handler;

    public ObservatoryClient(Uri baseAddress)
    {
        _handler = new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false };
        Http = new HttpClient(_handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public HttpClient Http { get; }

    /// <summary>The client's cookies (e.g. to replay a session cookie from another client).</summary>
    public CookieContainer Cookies => _handler.CookieContainer;

    /// <summary>Set after a successful sign-up or sign-in.</summary>
    public int UserId { get; private set; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>GET /api/account/antiforgery: (form field name, header name, token) for the current identity.</summary>
    public async Task<(string Field, string Header, string Token)> AntiforgeryAsync()
    {
        var body = await Http.GetJsonAsync("api/account/antiforgery");
        return (body["formFieldName"]!.GetValue<string>(), body["headerName"]!.GetValue<string>(), body["token"]!.GetValue<string>());
    }

    /// <summary>A url-encoded form POST, with a fresh anti-forgery token unless told not to.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string url, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true)
    {
        var all = fields.ToList();
        if (withToken)
        {
            var (field, _, token) = await AntiforgeryAsync();
            all.Add(new(field, token));
        }
        using var content = new FormUrlEncodedContent(all);
        return await Http.PostAsync(url, content, Ct);
    }

    public async Task<HttpResponseMessage> SignUpAsync(string userName, string email, string password = Password, bool withToken = true)
    {
        var response = await PostFormAsync("api/account/signup", [new("userName", userName), new("email", email), new("password", password)], withToken);
        await RememberAsync(response);
        return response;
    }

    public async Task<HttpResponseMessage> SignInAsync(string login, string password = Password, bool withToken = true)
    {
        var response = await PostFormAsync("api/account/signin", [new("login", login), new("password", password)], withToken);
        await RememberAsync(response);
        return response;
    }

    /// <summary>Signs up and fails the test unless it worked; returns the account JSON.</summary>
    public async Task<JsonNode> SignedUpAsync(string userName)
    {
        using var response = await SignUpAsync(userName, userName + "@example.org");
        return await response.JsonAsync();
    }

    /// <summary>POST /api/observations as multipart: "photos" parts, "organs" parts, then the fields.</summary>
    public async Task<HttpResponseMessage> CreateAsync(IReadOnlyList<Photo> photos, IReadOnlyList<string>? organs = null,
        IEnumerable<KeyValuePair<string, string>>? fields = null, bool withToken = true)
    {
        using var form = new MultipartFormDataContent();
        foreach (var p in photos)
        {
            var file = new ByteArrayContent(p.Data);
            file.Headers.ContentType = new MediaTypeHeaderValue(p.FileName.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg" : "application/octet-stream");
            form.Add(file, "photos", p.FileName);
        }
        foreach (var o in organs ?? []) form.Add(new StringContent(o), "organs");
        foreach (var (k, v) in fields ?? []) form.Add(new StringContent(v), k);
        if (withToken)
        {
            var (field, _, token) = await AntiforgeryAsync();
            form.Add(new StringContent(token), field);
        }
        return await Http.PostAsync("api/observations", form, Ct);
    }

    /// <summary>Creates an observation of one dandelion photo and returns its detail JSON (201 required).</summary>
    public async Task<JsonNode> CreatedAsync(Photo? photo = null, IEnumerable<KeyValuePair<string, string>>? fields = null)
    {
        using var response = await CreateAsync([photo ?? Photos.Plant("Taraxacum_officinale")], fields: fields ?? [new("taxon", "Taraxacum officinale")]);
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    public Task<HttpResponseMessage> IdentifyAsync(int observationId, string taxon, bool withToken = true) =>
        PostFormAsync($"api/observations/{observationId}/identifications", [new("taxon", taxon)], withToken);

    public async Task<HttpResponseMessage> DeleteAsync(int observationId, bool withToken = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/observations/{observationId}");
        if (withToken)
        {
            var (_, header, token) = await AntiforgeryAsync();
            request.Headers.Add(header, token);
        }
        return await Http.SendAsync(request, Ct);
    }

    public void Dispose()
    {
        Http.Dispose();
        _handler.Dispose();
    }

    private async Task RememberAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK) return;
        await response.Content.LoadIntoBufferAsync(Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        UserId = body["id"]!.GetValue<int>();
    }
}
