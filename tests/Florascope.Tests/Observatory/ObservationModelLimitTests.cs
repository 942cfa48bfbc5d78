using System.Net;
using System.Text.Json.Nodes;
using Florascope.Data;
using Florascope.Data.Security;
using Florascope.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Observatory;

/// <summary>
/// The model's vote on a new observation is an identification of the author's account: saving (and
/// deleting) observations is not a way round the signed-in daily limit. A server of its own with
/// Florascope:SignedInDailyIdentifications = 1.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ObservationModelLimitTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Noon = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TempDirectory _dir = new();
    private FlorascopeHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await FlorascopeHost.StartAsync(_dir.Path, new FakeClock(Noon),
            new Dictionary<string, string?> { ["Florascope:SignedInDailyIdentifications"] = "1" });

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task TheModelsVoteIsChargedToTheAccountsDailyIdentifications()
    {
        using var author = new ObservatoryClient(_host.BaseAddress);
        await author.SignedUpAsync("author");

        // Photos that cannot be read are refused before the model runs: nothing counted.
        using (var bad = await author.CreateAsync([Photos.Made("notes.jpg", "not an image"u8.ToArray())]))
            await bad.ErrorAsync(400);
        Assert.Equal(0, await UsedAsync(author.UserId));

        // The day's one identification goes to the model's vote on the first observation.
        Assert.NotNull(ModelVersion(await author.CreatedAsync()));
        Assert.Equal(1, await UsedAsync(author.UserId));

        // None left: the next observation is still saved, without the model's vote, and nothing more is counted.
        var second = await author.CreatedAsync();
        Assert.Null(ModelVersion(second));
        Assert.Null(second["revision"]!["modelTaxonName"]);
        Assert.Equal(1, await UsedAsync(author.UserId));
        // Deleting it gives nothing back, and the app's identification shares the same count.
        using (var deleted = await author.DeleteAsync(second["id"]!.GetValue<int>())) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var identify = await author.Http.PostAsync("api/identify/all", Photos.Form(Photos.Plant("Zea_mays")), Ct))
            Assert.Contains("1 identifications a day of your account", await identify.ErrorAsync(429), StringComparison.Ordinal);
        Assert.Null(ModelVersion(await author.CreatedAsync()));

        // Another account has its own count; the next UTC day starts again.
        using var other = new ObservatoryClient(_host.BaseAddress);
        await other.SignedUpAsync("other");
        Assert.NotNull(ModelVersion(await other.CreatedAsync()));
        _host.Clock.Set(Noon.AddDays(1));
        Assert.NotNull(ModelVersion(await author.CreatedAsync()));
        Assert.Equal(1, await UsedAsync(author.UserId));
    }

    private static string? ModelVersion(JsonNode observation) => observation["revision"]!["modelVersion"]?.GetValue<string>();

    private async Task<int> UsedAsync(int userId)
    {
        await using var scope = _host.App.Services.CreateAsyncScope();
        return await AccountIdentifications.UsedAsync(scope.ServiceProvider.GetRequiredService<FlorascopeDb>(), userId, _host.Clock.GetUtcNow().UtcDateTime, Ct);
    }
}
