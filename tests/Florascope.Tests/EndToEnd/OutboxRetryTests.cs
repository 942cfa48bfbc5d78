using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Florascope.Tests.TestSupport;
using Microsoft.Playwright;

namespace Florascope.Tests.EndToEnd;

/// <summary>
/// A save whose answer is lost (the server saved it, the phone never heard): the app keeps it in the
/// outbox and sends it again with the same client id, and the observatory has it once.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class OutboxRetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASaveWhoseAnswerIsLostIsRetriedByTheOutboxAndStoredOnce()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var dir = new TempDirectory();
        await using var host = await FlorascopeHost.StartAsync(dir.Path, new FakeClock(DateTimeOffset.UtcNow));
        try
        {
            var photo = Path.Combine(dir.Path, "field.jpg");
            File.WriteAllBytes(photo, Photos.Plant("Ranunculus_acris").Data);
            await using var context = await Browser.PhoneContextAsync(browser, host.BaseAddress);
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.PageError += (_, m) => errors.Add(m);
            await Browser.SignUpInAppAsync(page, host.BaseAddress, "retrier");

            // The first save reaches the server, which stores it; its answer is then dropped. Later ones pass.
            var sent = new List<(string? ClientId, int Status, string? Header)>();
            await page.RouteAsync("**/api/observations", async route =>
            {
                if (route.Request.Method != "POST") { await route.FallbackAsync(); return; }
                var clientId = ClientIdOf(route.Request.PostDataBuffer);
                var response = await route.FetchAsync();
                lock (sent) sent.Add((clientId, response.Status, route.Request.Headers.GetValueOrDefault("idempotency-key")));
                if (sent.Count == 1) await route.AbortAsync("connectionreset");
                else await route.FulfillAsync(new RouteFulfillOptions { Response = response });
            });

            await page.SetInputFilesAsync("#photos", photo);
            await page.WaitForSelectorAsync(".previews li");
            await page.ClickAsync("#go");
            await page.WaitForSelectorAsync("#save:not([hidden])");
            await page.ClickAsync("#save button[type=submit]");
            // No answer: the app cannot know it was saved, so the observation waits in the outbox...
            await page.WaitForSelectorAsync("#saved[data-offline]", new() { State = WaitForSelectorState.Attached });
            // ...which sends it again (every 5 s) until an answer comes back.
            await page.WaitForSelectorAsync("#queue[data-count='0']", new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

            Assert.Equal(2, sent.Count);
            Assert.Matches(UuidPattern(), sent[0].ClientId ?? "");
            Assert.Equal(sent[0].ClientId, sent[1].ClientId);
            // The same id in the header, which is what the balancer reads before passing a save to another node.
            Assert.All(sent, s => Assert.Equal(s.ClientId, s.Header));
            // Saved by the first; the second is answered with it (200, a replay).
            Assert.Equal([201, 200], sent.Select(s => s.Status));
            var list = JsonNode.Parse(await host.Client.GetStringAsync("/api/observations", Ct))!.AsArray();
            Assert.Single(list);
            Assert.Empty(errors);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    /// <summary>The clientId field of a multipart body (Latin-1 keeps the photo bytes apart from the text).</summary>
    private static string? ClientIdOf(byte[]? body) =>
        body is null ? null : ClientIdField().Match(Encoding.Latin1.GetString(body)) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex("name=\"?clientId\"?\\r\\n(?:[^\\r\\n]+\\r\\n)*\\r\\n([^\\r\\n]*)\\r\\n")]
    private static partial Regex ClientIdField();

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex UuidPattern();
}
