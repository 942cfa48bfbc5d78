using System.Net.Http.Headers;
using Florascope.Data;
using Florascope.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Web;

/// <summary>A server of its own for the survey tests, with helpers to make survey keys and forms.</summary>
public class SurveyServerFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private FlorascopeHost? _host;

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public FlorascopeHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync() =>
        _host = await FlorascopeHost.StartAsync(_data.Path, new FakeClock(new DateTimeOffset(2026, 5, 4, 9, 0, 0, TimeSpan.Zero)), Settings);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        _data.Dispose();
    }
}

public static class SurveyCalls
{
    /// <summary>A key allowed to survey (as <c>apikey create --allow-survey</c> makes it).</summary>
    public static async Task<TestKey> CreateSurveyKeyAsync(this FlorascopeHost host, int quota = 1000, bool allowSurvey = true)
    {
        var key = await host.CreateKeyAsync(quota, "survey tests");
        await using var scope = host.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.AllowSurvey, allowSurvey), TestContext.Current.CancellationToken);
        return key;
    }

    public static string Url(TestKey key, string project = "all", string query = "") =>
        $"v2/survey/tiles/{project}?api-key={Uri.EscapeDataString(key.Secret)}{(query.Length > 0 ? "&" + query : "")}";

    /// <summary>A multipart form with one 'image' and the given text fields.</summary>
    public static MultipartFormDataContent Form(byte[]? image, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        if (image is not null)
        {
            var file = new ByteArrayContent(image);
            file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(file, "image", "plot.jpg");
        }
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    public static Task<HttpResponseMessage> SurveyAsync(this FlorascopeHost host, TestKey key, HttpContent form, string project = "all", string query = "") =>
        host.Client.PostAsync(Url(key, project, query), form, TestContext.Current.CancellationToken);
}
