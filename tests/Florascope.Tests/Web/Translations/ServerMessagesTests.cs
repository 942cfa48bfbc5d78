using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web.Translations;

/// <summary>
/// The observatory API's messages in the request's language (the "lang" cookie, else
/// Accept-Language), equal to the translation files' texts with their values filled; the /v2 API's
/// messages stay English whatever is asked, byte for byte.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ServerMessagesTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempDirectory _dir = new();
    private readonly List<ObservatoryClient> _clients = [];
    private FlorascopeHost _host = null!;
    private int _users;

    public async ValueTask InitializeAsync()
    {
        // Signed-in identifications are used up from the start: the daily limit's refusal is one of the messages.
        _host = await FlorascopeHost.StartAsync(_dir.Path, new FakeClock(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero)),
            new Dictionary<string, string?> { ["Florascope:SignedInDailyIdentifications"] = "0" });
        using var founder = new ObservatoryClient(_host.BaseAddress);
        await founder.SignedUpAsync("taken");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients) c.Dispose();
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>A key's text in a translation file with its placeholders filled, as the tests expect it.</summary>
    public static string Expected(string lang, string key, params (string Name, object Value)[] values)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Florascope.Web", "wwwroot", "i18n", lang + ".json")));
        var text = doc.RootElement.GetProperty(key).GetString()!;
        foreach (var (name, value) in values) text = text.Replace("{" + name + "}", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.DoesNotContain("{", text, StringComparison.Ordinal);
        return text;
    }

    /// <summary>A client asking for a language: French by Accept-Language, Arabic by the "lang" cookie (which wins over a French browser), English by Accept-Language.</summary>
    private ObservatoryClient Client(string lang)
    {
        var client = new ObservatoryClient(_host.BaseAddress);
        _clients.Add(client);
        if (lang == "ar")
        {
            client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("fr-FR");
            client.Cookies.Add(_host.BaseAddress, new Cookie("lang", "ar"));
        }
        else client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(lang == "fr" ? "fr-FR,fr;q=0.9,en;q=0.5" : lang);
        return client;
    }

    private async Task<ObservatoryClient> UserAsync(string lang)
    {
        var client = Client(lang);
        await client.SignedUpAsync($"{lang}user{Interlocked.Increment(ref _users)}");
        return client;
    }

    /// <summary>The documented body (those three keys, the English reason phrase); returns the message.</summary>
    private static async Task<string> MessageAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(["statusCode", "error", "message"], body.Select(p => p.Key));
        Assert.Equal((int)status, body["statusCode"]!.GetValue<int>());
        Assert.Equal(Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase((int)status), body["error"]!.GetValue<string>());
        return body["message"]!.GetValue<string>();
    }

    /// <summary>The message is the file's text in the language, and in French and Arabic not the English one.</summary>
    private static void AssertIn(string lang, string actual, string key, params (string Name, object Value)[] values)
    {
        Assert.Equal(Expected(lang, key, values), actual);
        if (lang != "en") Assert.NotEqual(Expected("en", key, values), actual);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("fr")]
    [InlineData("ar")]
    public async Task AccountRefusalsComeInTheRequestsLanguage(string lang)
    {
        var client = Client(lang);

        using var refused = await client.SignInAsync("taken", "not the password at all");
        AssertIn(lang, await MessageAsync(refused, HttpStatusCode.Unauthorized), "server.account.sign-in-refused");

        using var taken = await client.SignUpAsync("taken", $"other-{lang}@example.org");
        AssertIn(lang, await MessageAsync(taken, HttpStatusCode.Conflict), "server.account.taken");

        using var shortPassword = await client.SignUpAsync($"short{lang}", $"short-{lang}@example.org", "short");
        var message = await MessageAsync(shortPassword, HttpStatusCode.BadRequest);
        AssertIn(lang, message, "server.account.short-password", ("min", Florascope.Web.Accounts.AccountsApi.MinPassword));
        Assert.Contains("10", message, StringComparison.Ordinal);

        // The authorization policy's 401 (the cookie handler's event, no handler runs).
        using var anonymous = await client.Http.GetAsync("api/account/keys", Ct);
        AssertIn(lang, await MessageAsync(anonymous, HttpStatusCode.Unauthorized), "server.sign-in-first");

        // The status-code page of an unknown /api path.
        using var missing = await client.Http.GetAsync("api/no-such-thing", Ct);
        AssertIn(lang, await MessageAsync(missing, HttpStatusCode.NotFound), "server.no-such-resource");
    }

    [Theory]
    [InlineData("en")]
    [InlineData("fr")]
    [InlineData("ar")]
    public async Task ObservationRefusalsComeInTheRequestsLanguage(string lang)
    {
        var author = await UserAsync(lang);
        var other = await UserAsync(lang);
        var id = (await author.CreatedAsync())["id"]!.GetValue<int>();

        using var notFound = await author.Http.GetAsync("api/observations/987654", Ct);
        AssertIn(lang, await MessageAsync(notFound, HttpStatusCode.NotFound), "server.observation.not-found", ("id", 987654));

        // A domain error (the writer's typed exception) mapped in one place.
        using var notYours = await other.DeleteAsync(id);
        AssertIn(lang, await MessageAsync(notYours, HttpStatusCode.Forbidden), "server.observation.not-yours-delete");

        var photo = Photos.Plant("Taraxacum_officinale");
        using var tooMany = await author.CreateAsync([.. Enumerable.Repeat(photo, 6)], fields: [new("taxon", "Taraxacum officinale")]);
        AssertIn(lang, await MessageAsync(tooMany, HttpStatusCode.BadRequest), "server.observation.too-many-photos", ("max", 5));

        // A message within a message: the photo's problem, from the image decoder, in the same language.
        using var notAnImage = await author.CreateAsync([Photos.Made("notes.jpg", "not an image"u8.ToArray())], fields: [new("taxon", "Taraxacum officinale")]);
        Assert.Equal(Expected(lang, "server.observation.bad-photo", ("n", 1), ("problem", Expected(lang, "server.image.not-an-image"))),
            await MessageAsync(notAnImage, HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("fr")]
    [InlineData("ar")]
    public async Task TheAppsIdentificationRefusalsComeInTheRequestsLanguage(string lang)
    {
        // The daily limit of a signed-in person (0 on this server): a rate limit, with its value.
        var user = await UserAsync(lang);
        using var usedUp = await user.Http.PostAsync("api/identify/all", Photos.Form(Photos.Plant("Helianthus_annuus")), Ct);
        AssertIn(lang, await MessageAsync(usedUp, HttpStatusCode.TooManyRequests), "server.identify.account-used-up", ("limit", 0));

        var anonymous = Client(lang);
        using var bad = await anonymous.Http.PostAsync("api/identify/all", Photos.Form(Photos.Made("notes.jpg", "not an image"u8.ToArray())), Ct);
        Assert.Equal(Expected(lang, "server.identify.bad-image", ("n", 1), ("file", " (notes.jpg)"), ("problem", Expected(lang, "server.image.not-an-image"))),
            await MessageAsync(bad, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task TheV2ApiKeepsItsEnglishMessagesWhateverTheLanguageAsked()
    {
        var key = await _host.CreateKeyAsync();
        var french = Client("fr");
        french.Cookies.Add(_host.BaseAddress, new Cookie("lang", "fr"));

        using var bad = await french.Http.PostAsync(ApiCalls.IdentifyUrl(key), Photos.Form(Photos.Made("notes.jpg", "not an image"u8.ToArray())), Ct);
        Assert.Equal("Image 1 (notes.jpg): The file is not an image (neither JPEG nor PNG bytes): send JPEG or PNG.", await MessageAsync(bad, HttpStatusCode.BadRequest));

        using var project = await french.Http.PostAsync(ApiCalls.IdentifyUrl(key, "nowhere"), Photos.Form(Photos.Plant("Helianthus_annuus")), Ct);
        Assert.StartsWith("Unknown project 'nowhere': see /v2/projects (", await MessageAsync(project, HttpStatusCode.NotFound), StringComparison.Ordinal);

        using var noKey = await french.Http.PostAsync("v2/identify/all", Photos.Form(Photos.Plant("Helianthus_annuus")), Ct);
        Assert.Equal("Missing api-key: add ?api-key=<your key> to the URL.", await MessageAsync(noKey, HttpStatusCode.Unauthorized));

        using var missing = await french.Http.GetAsync("v2/no-such-thing", Ct);
        Assert.Equal("No such resource.", await MessageAsync(missing, HttpStatusCode.NotFound));
    }
}
