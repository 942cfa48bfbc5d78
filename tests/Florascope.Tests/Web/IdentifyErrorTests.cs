using System.Net;
using System.Net.Http.Headers;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Web;

/// <summary>
/// Every refusal of /v2/identify with its documented status and body {statusCode, error, message};
/// never a 500, and a refused request never counts against the quota.
/// </summary>
[Trait("Category", "Slow")]
[Collection(SharedServerCollection.Name)]
public sealed class IdentifyErrorTests(SharedServerFixture fixture)
{
    private FlorascopeHost Host => fixture.Host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Photo Jpeg(string name = "photo.jpg") => Photos.Made(name, TestImages.RedBlueJpeg());

    /// <summary>Sends the request with a fresh key, checks the error body, then that nothing was counted.</summary>
    private async Task<string> RefusedAsync(int status, HttpContent? body, string project = "all", string query = "", bool expectContinue = false)
    {
        var key = await Host.CreateKeyAsync(quota: 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiCalls.IdentifyUrl(key, project, query)) { Content = body };
        request.Headers.ExpectContinue = expectContinue;
        using var response = await Host.Client.SendAsync(request, Ct);
        var message = await response.ErrorAsync(status);
        Assert.Equal(0, await Host.Client.CountTodayAsync(key));
        Assert.False(response.Headers.Contains("RateLimit"), "an uncounted request carries no RateLimit header");
        return message;
    }

    [Fact]
    public async Task NoImageIs400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("auto"), "organs" } };
        Assert.Contains("image", await RefusedAsync(400, form), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SixImagesIs400()
    {
        using var form = Photos.Form([.. Enumerable.Range(0, 6).Select(i => Jpeg($"p{i}.jpg"))]);
        Assert.Contains("5", await RefusedAsync(400, form), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrgansCountDifferentFromImagesIs400()
    {
        using var form = Photos.Form([Jpeg("a.jpg"), Jpeg("b.jpg")], ["leaf"]);
        Assert.Contains("organs", await RefusedAsync(400, form), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UnknownOrganIs400()
    {
        using var form = Photos.Form(Photos.Plant("Rosa"), "stem");
        Assert.Contains("stem", await RefusedAsync(400, form), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nb-results=0", "nb-results")]
    [InlineData("nb-results=two", "nb-results")]
    [InlineData("lang=xx", "lang")]
    [InlineData("include-related-images=maybe", "include-related-images")]
    [InlineData("no-reject=perhaps", "no-reject")]
    [InlineData("type=deep", "type")]
    public async Task BadParameterValueIs400(string query, string named)
    {
        using var form = Photos.Form(Photos.Plant("Rosa"), "auto");
        Assert.Contains(named, await RefusedAsync(400, form, query: query), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATextFileNamedPhotoJpgIs400()
    {
        // Not an image at all: an unreadable image (400), not an image in another format (415).
        using var form = Photos.Form(Photos.Made("photo.jpg", TestImages.TextFile()), "auto");
        Assert.Contains("photo.jpg", await RefusedAsync(400, form), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATruncatedJpegIs400()
    {
        var jpeg = Photos.Plant("Rosa").Data;
        using var form = Photos.Form(Photos.Made("cut.jpg", jpeg[..(jpeg.Length / 3)]), "auto");
        Assert.Contains("cut.jpg", await RefusedAsync(400, form), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnImageSentAsATextFieldIs400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("http://example.com/rose.jpg"), "images" }, { new StringContent("auto"), "organs" } };
        await RefusedAsync(400, form);
    }

    [Fact]
    public async Task AnEmptyFileIs400()
    {
        using var form = Photos.Form(Photos.Made("empty.jpg", []), "auto");
        await RefusedAsync(400, form);
    }

    [Fact]
    public async Task ABodyThatIsNotMultipartIs400()
    {
        using var json = new StringContent("""{"images":["http://example.com/a.jpg"]}""", System.Text.Encoding.UTF8, "application/json");
        Assert.Contains("multipart", await RefusedAsync(400, json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUrlEncodedFormIs400()
    {
        using var form = new FormUrlEncodedContent([new("images", "http://example.com/a.jpg"), new("organs", "leaf")]);
        Assert.Contains("multipart", await RefusedAsync(400, form), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoBodyAtAllIs400()
    {
        await RefusedAsync(400, null);
    }

    [Fact]
    public async Task AMalformedMultipartBodyIs400()
    {
        using var broken = new ByteArrayContent("--xyz\r\nContent-Disposition: form-data; name=\"images\"; filename=\"a.jpg\"\r\n\r\nabc"u8.ToArray());
        broken.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        await RefusedAsync(400, broken);
    }

    [Theory]
    [InlineData("gif")]
    [InlineData("webp")]
    public async Task GifAndWebPAre415(string format)
    {
        var photo = format == "gif" ? Photos.Made("photo.gif", TestImages.Gif1x1()) : Photos.Made("photo.webp", TestImages.WebP());
        using var form = Photos.Form(photo, "auto");
        Assert.Contains(format.ToUpperInvariant(), await RefusedAsync(415, form), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHugeImageHeaderIs413()
    {
        using var form = Photos.Form(Photos.Made("huge.png", TestImages.PngWithHeader(60_000, 60_000)), "auto");
        await RefusedAsync(413, form);
    }

    [Fact]
    public async Task ABodyOver50MBIs413()
    {
        // 51 MB of JPEG-looking bytes sent over loopback. With "Expect: 100-continue", as curl sends
        // it for large bodies, the server refuses before the body is sent and the client reads the 413.
        var big = new byte[51 * 1024 * 1024];
        big[0] = 0xFF;
        big[1] = 0xD8;
        big[2] = 0xFF;
        using var form = Photos.Form(Photos.Made("big.jpg", big), "auto");
        await RefusedAsync(413, form, expectContinue: true);
    }

    [Fact]
    public async Task UnknownProjectIs404()
    {
        using var form = Photos.Form(Photos.Plant("Rosa"), "auto");
        Assert.Contains("antarctica", await RefusedAsync(404, form, project: "antarctica"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingApiKeyIs401()
    {
        using var form = Photos.Form(Photos.Plant("Rosa"), "auto");
        using var response = await Host.Client.PostAsync("v2/identify/all", form, Ct);
        Assert.Contains("api-key", await response.ErrorAsync(401), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownApiKeyIs401()
    {
        using var form = Photos.Form(Photos.Plant("Rosa"), "auto");
        using var response = await Host.Client.IdentifyAsync(new TestKey(-1, "fsk_not-a-key", 0), form);
        await response.ErrorAsync(401);
    }

    [Fact]
    public async Task RevokedApiKeyIs401()
    {
        var key = await Host.CreateKeyAsync();
        using (var form = Photos.Form(Photos.Plant("Rosa"), "auto"))
        using (var before = await Host.Client.IdentifyAsync(key, form, query: "nb-results=1"))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await Host.RevokeAsync(key);

        using var again = Photos.Form(Photos.Plant("Rosa"), "auto");
        using var response = await Host.Client.IdentifyAsync(key, again);
        await response.ErrorAsync(401);
    }

    [Fact]
    public async Task UsedUpQuotaIs429WithTheRateLimitHeaders()
    {
        var key = await Host.CreateKeyAsync(quota: 2);
        for (var i = 1; i <= 2; i++)
        {
            using var form = Photos.Form(Photos.Plant("Rosa"), "auto");
            using var ok = await Host.Client.IdentifyAsync(key, form, query: "nb-results=1");
            var body = await ok.JsonAsync();
            Assert.Equal(2 - i, body["remainingIdentificationRequests"]!.GetValue<int>());
            // Noon UTC on the fake clock: 12 hours to the reset.
            Assert.Equal("\"dailyQuota\";q=2;w=86400", ok.Header("RateLimit-Policy"));
            Assert.Equal($"\"dailyQuota\";r={2 - i};t=43200", ok.Header("RateLimit"));
        }

        using var third = Photos.Form(Photos.Plant("Rosa"), "auto");
        using var refused = await Host.Client.IdentifyAsync(key, third);
        Assert.Contains("quota", await refused.ErrorAsync(429), StringComparison.Ordinal);
        Assert.Equal("\"dailyQuota\";q=2;w=86400", refused.Header("RateLimit-Policy"));
        Assert.Equal("\"dailyQuota\";r=0;t=43200", refused.Header("RateLimit"));
        Assert.Equal(2, await Host.Client.CountTodayAsync(key));
    }

    [Fact]
    public async Task GetWithImageUrlsIsAClear400()
    {
        var key = await Host.CreateKeyAsync();
        using var response = await Host.Client.GetAsync(
            ApiCalls.IdentifyUrl(key, query: "images=" + Uri.EscapeDataString("http://169.254.169.254/latest/meta-data/") + "&organs=leaf"), Ct);
        var message = await response.ErrorAsync(400);
        Assert.Contains("URL", message, StringComparison.Ordinal);
        Assert.Contains("multipart", message, StringComparison.Ordinal);
        Assert.Equal(0, await Host.Client.CountTodayAsync(key));
    }

    [Fact]
    public async Task GetWithoutApiKeyIs401()
    {
        using var response = await Host.Client.GetAsync("v2/identify/all?images=http://example.com/a.jpg&organs=leaf", Ct);
        await response.ErrorAsync(401);
    }
}
