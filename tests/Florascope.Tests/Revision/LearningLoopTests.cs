using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Florascope.Bundles;
using Florascope.Data;
using Florascope.Identification;
using Florascope.Tests.Cli;
using Florascope.Tests.TestSupport;
using Florascope.Training;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Florascope.Tests.Revision;

/// <summary>
/// The learning loop end to end, with the real network, database, CLI and server: an observation
/// the community validated is added to the training photos by `florascope train
/// --include-observations --register`; the new model is evaluated against the running one on a
/// fixed set, promoted, and the running server switches to it while identify requests keep coming,
/// none of them failing. Small models (6 taxa, one view) keep it to a minute.
/// </summary>
[Trait("Category", "Slow")]
public sealed class LearningLoopTests(BackboneFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AValidatedObservationTrainsTheNextModelWhichTheServerSwitchesToWithoutFailingARequest()
    {
        using var temp = new TempDirectory();
        var slice = TrainingSlice.Create(temp.Path, out _, out _);
        var cache = Path.Combine(temp.Path, "cache");

        // Model A: what the server runs at first.
        var modelA = Path.Combine(temp.Path, "models", "slice-a");
        var trainer = new Trainer(fixture.Embedder, new EmbeddingCache(cache, fixture.Backbone.Sha256), TextWriter.Null);
        trainer.Train(slice with { Version = "slice-a" }).Save(modelA);

        var serverData = Path.Combine(temp.Path, "server");
        await using var host = await FlorascopeHost.StartAsync(serverData, new FakeClock(DateTimeOffset.UtcNow), new Dictionary<string, string?>
        {
            ["Florascope:ModelDirectory"] = modelA,
            ["Florascope:Models:PollSeconds"] = "0.2",
        });
        var key = await host.CreateKeyAsync(quota: 100_000);

        // The community validates an observation: the author and a newcomer disagree, an expert settles it.
        using var author = new ObservatoryClient(host.BaseAddress);
        using var newcomer = new ObservatoryClient(host.BaseAddress);
        using var expert = new ObservatoryClient(host.BaseAddress);
        await author.SignedUpAsync("author");   // the first account: an administrator
        await newcomer.SignedUpAsync("newcomer");
        var expertId = (await expert.SignedUpAsync("expert"))["id"]!.GetValue<int>();
        var sunflower = Photos.Plant("Helianthus_annuus", 12);   // not one of the slice's photos
        var created = await author.CreatedAsync(sunflower, [new("taxon", "Helianthus annuus")]);
        var id = created["id"]!.GetValue<int>();
        (await newcomer.IdentifyAsync(id, "Zea mays")).EnsureSuccessStatusCode();
        Assert.Equal("disputed", (await author.Http.GetJsonAsync($"api/observations/{id}"))["revision"]!["status"]!.GetValue<string>());
        // Expertise is earned through validated observations (LabelAggregationTests); here it is given.
        await WithDbAsync(host, db => db.Users.Where(u => u.Id == expertId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Expertise, 8), Ct));
        (await expert.IdentifyAsync(id, "Helianthus annuus")).EnsureSuccessStatusCode();
        var revision = (await author.Http.GetJsonAsync($"api/observations/{id}"))["revision"]!;
        Assert.Equal("valid", revision["status"]!.GetValue<string>());
        Assert.Equal("Helianthus annuus", revision["taxonName"]!.GetValue<string>());

        // Identify requests keep coming while the next model is trained, registered and switched in.
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var versions = new ConcurrentDictionary<string, int>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var photo = Photos.Plant("Taraxacum_officinale", 10);
        var clients = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await host.Client.IdentifyAsync(key, Photos.Form([photo]));
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.OK)
                    versions.AddOrUpdate((await response.JsonAsync())["version"]!.GetValue<string>(), 1, (_, n) => n + 1);
                // Once the new model answers, a few more requests on it are enough.
                if (versions.GetValueOrDefault("slice-b") >= 6) stop.Cancel();
            }
        }, CancellationToken.None)).ToList();

        var modelB = Path.Combine(temp.Path, "models", "slice-b");
        var cli = await CliProcess.RunAsync("train", "--data", slice.TrainDir, "--val", slice.ValDir!, "--non-plants", slice.NonPlantsDir,
            "--checklist", slice.ChecklistPath, "--out", modelB, "--version", "slice-b", "--cache", cache, "--train-views", "0", "--inference-views", "0",
            "--include-observations", "--register", "--baseline", modelA, "--max-mrr-drop", "1", "--data-dir", serverData);
        if (cli.ExitCode != 0) stop.Cancel();
        stop.CancelAfter(TimeSpan.FromSeconds(60));
        await Task.WhenAll(clients);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Contains("Adding 1 photos of valid observations", cli.StdErr, StringComparison.Ordinal);
        Assert.Contains("Promoted:", cli.StdOut, StringComparison.Ordinal);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.True(versions.GetValueOrDefault("slice-a") > 0, string.Join(", ", versions));
        Assert.True(versions.GetValueOrDefault("slice-b") >= 6, string.Join(", ", versions));

        // The new bundle was trained with the observation's photo; the decision is kept with both sets of metrics.
        Assert.Equal(1, ModelBundle.Load(modelB).Manifest.Training.ObservationImages);
        var history = await author.Http.GetJsonAsync("api/models");
        Assert.Equal("slice-b", history["running"]!.GetValue<string>());
        var row = history["versions"]!.AsArray().Single()!;
        Assert.Equal("slice-b", row["version"]!.GetValue<string>());
        Assert.True(row["promoted"]!.GetValue<bool>());
        Assert.Equal("slice-a", row["baselineVersion"]!.GetValue<string>());
        Assert.True(row["metrics"]!["macroMrr"]!.GetValue<double>() > 0);
        Assert.True(row["baselineMetrics"]!["macroMrr"]!.GetValue<double>() > 0);
        var status = await host.Client.GetJsonAsync("v2/_status");
        Assert.Equal("slice-b", status["model"]!.GetValue<string>());

        // A server started later on the same database serves the promoted model from the start.
        await using var later = await FlorascopeHost.StartAsync(serverData, new FakeClock(DateTimeOffset.UtcNow), new Dictionary<string, string?>
        {
            ["Florascope:ModelDirectory"] = modelA,
            ["Florascope:Models:PollSeconds"] = "3600",
        });
        Assert.Equal("slice-b", (await later.Client.GetJsonAsync("v2/_status"))["model"]!.GetValue<string>());
    }

    private static async Task WithDbAsync(FlorascopeHost host, Func<FlorascopeDb, Task> work)
    {
        await using var scope = host.App.Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<FlorascopeDb>());
    }
}
