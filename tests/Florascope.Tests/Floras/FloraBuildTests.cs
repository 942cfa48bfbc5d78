using Florascope.Bundles;
using Florascope.Data;
using Florascope.Data.Floras;
using Florascope.Evaluation;
using Florascope.Floras;
using Florascope.Learning;
using Florascope.Taxonomy;
using Florascope.Tests.TestSupport;
using Florascope.Training;

namespace Florascope.Tests.Floras;

/// <summary>
/// A flora built end to end from an archive in GBIF's layout: photos served by a loopback server that
/// also answers 404s, 500-then-200, slowly and with non-images; filters, the split, resuming, provenance,
/// and accuracy against the same photos trained from folders. A slice of the demo (6 taxa, one view)
/// keeps it fast.
/// </summary>
[Trait("Category", "Slow")]
public sealed class FloraBuildTests(BackboneFixture backbone)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const int PhotosPerTaxon = 20;

    /// <summary>Which photos get which fault (by index in the archive): a few of each kind.</summary>
    private static string UrlFor(string baseUrl, string relative, int index) => (index % 23) switch
    {
        3 => $"{baseUrl}/404/{relative}",
        7 => $"{baseUrl}/500-then-200/1/{relative}",
        11 => $"{baseUrl}/slow/200/{relative}",
        17 => $"{baseUrl}/html/{relative}",
        _ => $"{baseUrl}/photos/{relative}",
    };

    private static string Escape(string relative) => string.Join('/', relative.Split('/').Select(Uri.EscapeDataString));

    private static FloraBuildOptions Options(string zip, string store, string nonPlants) => new()
    {
        Archive = zip,
        NonPlantsDir = nonPlants,
        StoreDirectory = store,
        Version = "flora-test",
        MinImages = 5,
        MaxImages = 100,
        // Small limits so that a test never waits long; retries still happen.
        Download = new DownloadSettings { Concurrency = 4, PerHostConcurrency = 4, PerHostInterval = TimeSpan.FromMilliseconds(5), Retries = 2, BackoffBase = TimeSpan.FromMilliseconds(20), AttemptTimeout = TimeSpan.FromSeconds(10) },
        Training = t => t with
        {
            TrainViews = [0],
            Inference = new InferenceSettings { Views = [0], ExtraViews = [] },
            PlantThresholdFolds = 3,
        },
    };

    [Fact]
    public async Task BuildsAFloraThatCreditsItsPhotosAndMatchesTheFolderTrainedModel()
    {
        using var temp = new TempDirectory();
        var nonPlants = CopyNonPlants(temp.Path);
        await using var server = await PhotoServer.StartAsync(RepoPaths.DemoFlora);
        var zip = Path.Combine(temp.Path, "download.zip");
        var archive = GbifArchive.FromDemoFlora(zip, RepoPaths.Data, server.BaseUrl, new GbifArchiveOptions
        {
            Taxa = TrainingSlice.Taxa,
            PhotosPerTaxon = PhotosPerTaxon,
            UrlFor = (relative, index) => UrlFor(server.BaseUrl, Escape(relative), index),
        });
        var store = Path.Combine(temp.Path, "store");
        var cache = new EmbeddingCache(Path.Combine(temp.Path, "embeddings"), backbone.Backbone.Sha256);
        var builder = new FloraBuilder(() => new Trainer(backbone.Embedder, cache, TextWriter.Null), TextWriter.Null);

        // An interrupted first run: cancelled after a few photos arrived.
        using (var interrupt = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var progress = new SyncProgress<DownloadProgress>(p => { if (p.Done >= 25) interrupt.Cancel(); });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => builder.BuildAsync(Options(zip, store, nonPlants), progress, null, null, interrupt.Token));
        }
        // The cancelled run's last requests may still be reaching the server (seen once in CI: a 404 counted after the
        // snapshot, then asked again by the second run): they belong to the first run.
        await server.WaitUntilQuietAsync(Ct);
        // What the first run finished (stored or refused for good) and what the server had answered by then.
        var finished = DownloadRecord.ReadAll(File.ReadAllLines(Path.Combine(store, PhotoDownloader.RecordFileName)))
            .Values.Where(r => r.IsFinal).Select(r => new Uri(r.Url).AbsolutePath).ToHashSet();
        Assert.NotEmpty(finished);
        var requestsBefore = archive.Photos.ToDictionary(p => new Uri(p.Url).AbsolutePath, p => server.Requests(new Uri(p.Url).AbsolutePath));
        var result = await builder.BuildAsync(Options(zip, store, nonPlants), null, null, null, Ct);
        var report = result.Report;

        // The filters' counts are the ones the archive was made with.
        foreach (var (reason, (occurrences, photos)) in archive.ExpectedLeftOut)
        {
            var left = Assert.Single(report.LeftOut, l => l.Reason == reason);
            Assert.Equal((occurrences, photos), (left.Occurrences, left.Photos));
        }
        Assert.Equal(archive.Photos.Count, report.PhotosKept);

        // Downloads: 404 and non-images refused, 500-then-200 and slow answers stored.
        int Count(string kind) => archive.Photos.Count(p => p.Url.Contains($"/{kind}/", StringComparison.Ordinal));
        Assert.Equal(Count("404"), report.Downloads.GetValueOrDefault(DownloadOutcome.NotFound));
        Assert.Equal(Count("html"), report.Downloads.GetValueOrDefault(DownloadOutcome.NotAnImage));
        Assert.True(Count("500-then-200") > 0 && Count("slow") > 0 && Count("404") > 0 && Count("html") > 0);
        var stored = report.Downloads.GetValueOrDefault(DownloadOutcome.Downloaded) + report.Downloads.GetValueOrDefault(DownloadOutcome.AlreadyStored);
        Assert.Equal(archive.Photos.Count - Count("404") - Count("html"), stored);
        Assert.True(report.Downloads.GetValueOrDefault(DownloadOutcome.AlreadyStored) > 0, "the second run resumed from the first");

        // Resuming downloaded nothing twice: no request for what the first run finished, and in all at
        // most one request per photo that was not cut by the interruption (two for the 500-then-200 ones).
        foreach (var photo in archive.Photos)
        {
            var path = new Uri(photo.Url).AbsolutePath;
            if (finished.Contains(path)) Assert.True(server.Requests(path) == requestsBefore[path], $"{path} asked again after it was finished");
            var expected = photo.Url.Contains("/500-then-200/", StringComparison.Ordinal) ? 2 : 1;
            Assert.True(server.Requests(path) - requestsBefore[path] <= expected, $"{path}: {server.Requests(path)} requests");
        }

        // Split by occurrence: no occurrence on both sides; every species on both.
        var trainIds = result.Split.Train.Select(o => o.OccurrenceId).ToHashSet();
        Assert.DoesNotContain(result.Split.Validation, o => trainIds.Contains(o.OccurrenceId));
        Assert.Equal(TrainingSlice.Taxa.Length, report.Taxa);
        Assert.All(result.Bundle.Checklist.Taxa, t => Assert.Contains(result.Split.Validation, o => o.Taxon.Name == t.ScientificNameWithoutAuthor));

        // Provenance: every reference photo credits its author and GBIF occurrence; the bundle keeps the DOI.
        var bundleDir = Path.Combine(temp.Path, "models", "flora-test");
        result.Save(bundleDir);
        var loaded = ModelBundle.Load(bundleDir);
        Assert.Equal(archive.Doi, loaded.Manifest.Source?.Doi);
        Assert.Equal(ReferencePhotoRoot.Bundle, loaded.Manifest.ReferencePhotos);
        var plants = loaded.References.Images.Where(i => i.Label >= 0).ToList();
        Assert.Equal(report.TrainPhotos, plants.Count);
        Assert.All(plants, r =>
        {
            Assert.NotNull(r.Credit);
            Assert.StartsWith("https://www.gbif.org/occurrence/", r.Credit!.Source, StringComparison.Ordinal);
            Assert.Contains(r.Credit.Source!, r.Credit.Citation, StringComparison.Ordinal);
            Assert.NotEqual("unknown", r.Credit.License);
            Assert.True(File.Exists(Path.Combine(bundleDir, r.Path)), r.Path);
        });

        // The server serves the flora: the DOI in /v2/_status, the photos' own credits in related images.
        // A checklist imported beside it (the flora's only own project is "all") keeps its photos served.
        var serverDir = Path.Combine(temp.Path, "server");
        var settings = new DatabaseSettings { DataDirectory = serverDir };
        settings.Migrate();
        await using (var db = settings.CreateContext())
        {
            var checklistZip = TestChecklists.Write(temp.Path, taxa: ["3\tTaraxacum officinale F.H.Wigg.\tF.H.Wigg.\tspecies\t\taccepted\tTaraxacum\tAsteraceae",
                "4\tLeontodon taraxacum L.\t\tspecies\t3\thomotypicSynonym\tLeontodon\tAsteraceae"], vernacular: []);
            await ChecklistProjects.ImportAsync(db, ProjectCode.Parse("lawns"), "Lawns", null, checklistZip, ChecklistArchive.Read(checklistZip, Ct), loaded.Checklist, TimeProvider.System, Ct);
        }
        await using (var host = await FlorascopeHost.StartAsync(serverDir, new FakeClock(DateTimeOffset.UtcNow),
            new Dictionary<string, string?> { ["Florascope:ModelDirectory"] = bundleDir, ["Florascope:Models:PollSeconds"] = "0.2" }))
        {
            var status = await host.Client.GetJsonAsync("v2/_status");
            Assert.Equal("flora-test", (string?)status["model"]);
            Assert.Equal(archive.Doi, (string?)status["source"]?["doi"]);
            var key = await host.CreateKeyAsync();
            for (var tries = 0; !(await host.Client.GetStringAsync("api/projects", Ct)).Contains("\"lawns\"", StringComparison.Ordinal); tries++)
            {
                Assert.True(tries < 200, "the imported project never appeared");
                await Task.Delay(50, Ct);
            }
            using var response = await host.Client.IdentifyAsync(key, Photos.Form(Photos.Plant("Taraxacum_officinale"), "auto"), project: "lawns", query: "include-related-images=true");
            var json = await response.JsonAsync();
            var image = json["results"]![0]!["images"]![0]!;
            Assert.Contains("https://www.gbif.org/occurrence/", (string?)image["citation"], StringComparison.Ordinal);
            Assert.NotEqual("unknown", (string?)image["author"]);
            using var photo = await host.Client.GetAsync(new Uri((string)image["url"]!["m"]!).PathAndQuery.TrimStart('/'), Ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, photo.StatusCode);
            Assert.Equal("image/jpeg", photo.Content.Headers.ContentType?.MediaType);
        }

        // Accuracy: the flora against a model trained from folders on the same photos, on held-out photos.
        var folderBundle = TrainFromFolders(temp.Path, archive, nonPlants, cache);
        var (floraCorrect, n) = Top1(loaded, cache);
        var (folderCorrect, _) = Top1(folderBundle, cache);
        TestContext.Current.TestOutputHelper?.WriteLine($"held-out top-1: flora {floraCorrect}/{n}, folders {folderCorrect}/{n}");
        // The flora trains on about 80 % of the photos (the rest validates) and loses the refused ones:
        // within 5 of the 44 held-out photos (8 per taxon where the demo has them) of the folder-trained model.
        Assert.True(floraCorrect >= folderCorrect - 5, $"flora {floraCorrect}/{n} vs folders {folderCorrect}/{n}");
    }

    /// <summary>Top-1 on the demo's validation photos of the slice (never in the archive), view 0.</summary>
    private (int Correct, int N) Top1(ModelBundle bundle, EmbeddingCache cache)
    {
        var images = new List<LabelledImage>();
        foreach (var folder in TrainingSlice.Taxa)
        {
            var label = bundle.Checklist.IndexOf(folder);
            Assert.True(label >= 0, folder);
            images.AddRange(Directory.GetFiles(Path.Combine(RepoPaths.ValPhotos, folder)).Order(StringComparer.Ordinal).Take(8).Select(f => new LabelledImage(f, label)));
        }
        var set = new EmbeddedSet(images, EmbeddingExtractor.Extract(backbone.Embedder, cache, images.Select(i => i.Path).ToList(), [0], null), 1);
        var report = Evaluator.Evaluate(bundle, set, null);
        return ((int)Math.Round(report.Metrics.Top1 * images.Count), images.Count);
    }

    private ModelBundle TrainFromFolders(string root, GbifArchiveInfo archive, string nonPlants, EmbeddingCache cache)
    {
        var train = Path.Combine(root, "folders", "train");
        foreach (var photo in archive.Photos)
        {
            var dir = Directory.CreateDirectory(Path.Combine(train, Path.GetFileName(Path.GetDirectoryName(photo.LocalFile)!))).FullName;
            File.Copy(photo.LocalFile, Path.Combine(dir, Path.GetFileName(photo.LocalFile)), overwrite: true);
        }
        var options = new TrainOptions
        {
            TrainDir = train,
            NonPlantsDir = nonPlants,
            ChecklistPath = SliceChecklist(root),
            DataRoot = root,
            TrainViews = [0],
            Inference = new InferenceSettings { Views = [0], ExtraViews = [] },
            PlantThresholdFolds = 3,
        };
        return new Trainer(backbone.Embedder, cache, TextWriter.Null).Train(options);
    }

    /// <summary>The demo checklist's rows of the slice's taxa only, so that both models choose among the same six.</summary>
    private static string SliceChecklist(string root)
    {
        var lines = File.ReadAllLines(RepoPaths.Checklist);
        var names = TrainingSlice.Taxa.Select(Checklist.NameKey).ToHashSet();
        var path = Path.Combine(root, "folders", "checklist.tsv");
        File.WriteAllLines(path, [lines[0], .. lines.Skip(1).Where(l => names.Contains(Checklist.NameKey(l.Split('\t')[0])))]);
        return path;
    }

    private static string CopyNonPlants(string root)
    {
        var dir = Path.Combine(root, "non-plants");
        foreach (var (side, count) in new[] { ("train", 40), ("val", 20) })
        {
            var to = Directory.CreateDirectory(Path.Combine(dir, side)).FullName;
            foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.Data, "non-plants", side)).Order(StringComparer.Ordinal).Take(count))
                File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }
        return dir;
    }
}
