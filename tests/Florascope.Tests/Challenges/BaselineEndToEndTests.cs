using System.IO.Compression;
using Florascope.Bundles;
using Florascope.Challenges;
using Florascope.Data;
using Florascope.Data.Challenges;
using Florascope.Data.Storage;
using Florascope.Identification;
using Florascope.Tests.TestSupport;
using Florascope.Training;
using Florascope.Web.Challenges;
using Florascope.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Florascope.Tests.Challenges;

/// <summary>
/// The baseline job's pass on a real model (trained on <see cref="TrainingSlice"/>, so its seen.sha256 is the trainer's),
/// a real SQLite database and folder store: a run on photos it never saw, a note where it saw some, none twice.
/// </summary>
[Trait("Category", "Slow")]
public sealed class BaselineEndToEndTests(BackboneFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheModelSubmitsAValidRunOnPhotosItNeverSawAndANoteWhereItSawSome()
    {
        using var temp = new TempDirectory();
        var options = TrainingSlice.Create(temp.Path, out var trainCount, out var valCount) with { Version = "slice-baseline" };
        var bundle = new Trainer(fixture.Embedder, null, TextWriter.Null).Train(options);
        var bundleDir = Path.Combine(temp.Path, "bundle");
        bundle.Save(bundleDir);
        var seen = ModelExposure.ReadBundle(bundleDir);
        Assert.NotNull(seen);
        Assert.InRange(seen.Count, trainCount + valCount, trainCount + valCount + 60);
        var engine = new IdentificationEngine(ModelBundle.Load(bundleDir), fixture.Embedder);

        // New photos of the six taxa: validation photos 9-14 where the slice kept only 8, else training photos 13-18
        // (the slice trains on 12); and a second test set holding one photo the model validated on per taxon.
        var fresh = Path.Combine(temp.Path, "fresh");
        var stale = Path.Combine(temp.Path, "stale");
        foreach (var taxon in TrainingSlice.Taxa)
        {
            var val = RepoPaths.ValPhotosOf(taxon);
            var unseen = val.Length >= 14 ? val[8..14]
                : Directory.GetFiles(Path.Combine(RepoPaths.DemoFlora, "train", taxon), "*.jpg").Order(StringComparer.Ordinal).Skip(12).Take(6).ToArray();
            Copy(unseen, Path.Combine(fresh, taxon));
            Copy([val[0]], Path.Combine(stale, taxon));
        }

        var data = Path.Combine(temp.Path, "server");
        var settings = new DatabaseSettings { DataDirectory = data };
        settings.Migrate();
        await using var db = settings.CreateContext();
        var files = new ChallengeFileStore(new FileObjectStore(Path.Combine(data, "challenges")));
        var clock = new FakeClock(new DateTimeOffset(2027, 3, 2, 0, 0, 0, TimeSpan.Zero));
        ChallengeSpec Spec(string name, string test) => new()
        {
            Name = name, OpensUtc = new DateTime(2027, 3, 1, 0, 0, 0, DateTimeKind.Utc), ClosesUtc = new DateTime(2027, 4, 1, 0, 0, 0, DateTimeKind.Utc),
            TrainDir = options.TrainDir, TestDir = test,
        };
        var open = await ChallengeBuilder.CreateAsync(db, files, Spec("Fresh", fresh), null, clock, null, Ct);
        var exposed = await ChallengeBuilder.CreateAsync(db, files, Spec("Stale", stale), null, clock, null, Ct);
        using var cpu = new BackgroundCpu();
        var now = clock.GetUtcNow().UtcDateTime;

        var runs = await BaselineRuns.RunOnceAsync(db, files, engine, cpu, now, Ct);

        var run = Assert.Single(runs);
        Assert.Equal(open.Id, run.ChallengeId);
        var team = await db.ChallengeTeams.SingleAsync(t => t.ChallengeId == open.Id && t.IsBaseline, Ct);
        Assert.Equal(team.Id, run.TeamId);
        Assert.Equal((RunStatus.Queued, "slice-baseline", (int?)null), (run.Status, run.ModelVersion, run.SubmittedById));
        Assert.Equal("Florascope's current model (slice-baseline)", run.Method);
        await db.Entry(exposed).ReloadAsync(Ct);
        Assert.Equal("slice-baseline saw 6 of the 6 test photos: no baseline run.", exposed.BaselineNote);
        Assert.False(await db.ChallengeRuns.AnyAsync(r => r.ChallengeId == exposed.Id, Ct));

        // The stored run is valid for the challenge and scores as the scorer scores participants' runs.
        var classIds = (await ReadAsync(files, ChallengeFiles.Classes(open.Id))).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(';')[0]).ToList();
        var truth = ChallengeTruth.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(await ReadAsync(files, ChallengeFiles.Truth(open.Id)))), "truth", classIds);
        var stored = await files.Store.OpenReadAsync(ChallengeFiles.Run(open.Id, run.Id), Ct);
        Assert.NotNull(stored);
        var text = new MemoryStream();
        await using (var gzip = new GZipStream(stored.Content, CompressionMode.Decompress)) await gzip.CopyToAsync(text, Ct);
        Assert.Equal(run.Bytes, text.Length);
        text.Position = 0;
        var check = ChallengeScorer.Check(truth, text, "baseline");
        Assert.True(check.IsValid, string.Join("; ", check.Errors.Select(e => $"{e.Line}: {e.Reason}")));
        Assert.Equal(run.Predictions, check.Ranks!.Predictions);
        text.Position = 0;
        var scores = ChallengeScorer.Score(truth, text, "baseline");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Baseline of the slice model on {scores.Observations} unseen photos of {scores.Classes} classes: MRR {scores.Mrr:F4}, macro MRR {scores.MacroMrr:F4}, top-1 {scores.Top1:P1}, top-5 {scores.Top5:P1} ({scores.Predictions} predictions).");
        Assert.Equal(36, scores.Observations);
        Assert.Equal(36, scores.Predicted);
        Assert.True(scores.Top1 >= 0.5, $"top-1 {scores.Top1:P1}");

        // Nothing twice: the run and the note are for this model version.
        Assert.Empty(await BaselineRuns.RunOnceAsync(db, files, engine, cpu, now, Ct));

        // A challenge of the observatory's observations, two unseen photos each: every test observation is identified
        // from both its photos (test/<id>/1.jpg, 2.jpg) and gets one ranked list.
        var author = new Florascope.Data.Accounts.User { UserName = "observer", Email = "observer@example.org", PasswordHash = "x", CreatedUtc = now };
        db.Users.Add(author);
        await db.SaveChangesAsync(Ct);
        var photoStore = new Florascope.Data.Observations.PhotoStore(Path.Combine(data, "photos"));
        var checklist = Florascope.Tests.Web.SharedServerFixture.Checklist.Value;
        foreach (var (taxon, t) in TrainingSlice.Taxa.Select((taxon, t) => (taxon, t)))
        {
            var pictures = Directory.GetFiles(Path.Combine(fresh, taxon)).Order(StringComparer.Ordinal).ToArray();
            for (var i = 0; i + 1 < pictures.Length; i += 2)
            {
                var saved = await Florascope.Data.Observations.ObservationWriter.CreateAsync(db, photoStore, checklist, author.Id, new Florascope.Data.Observations.NewObservation
                {
                    Photos = [new(await File.ReadAllBytesAsync(pictures[i], Ct)), new(await File.ReadAllBytesAsync(pictures[i + 1], Ct))],
                    ObservedUtc = new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(i * 10 + t),
                    License = "cc-by",
                    TaxonName = taxon.Replace('_', ' '),
                }, clock, Ct);
                await db.Observations.Where(o => o.Id == saved.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(o => o.Status, Florascope.Data.Revision.ObservationStatus.Valid).SetProperty(o => o.IsValid, true), Ct);
            }
        }
        var observed = await ChallengeBuilder.CreateAsync(db, files, Spec("Observed", fresh) with
        {
            TrainDir = null, TestDir = null, Observations = new ObservationSource { TestPercent = 50 },
        }, null, clock, null, Ct, new ObservatoryData(photoStore, checklist, "https://florascope.example.org"));
        var observedRun = Assert.Single(await BaselineRuns.RunOnceAsync(db, files, engine, cpu, now, Ct));
        Assert.Equal(observed.Id, observedRun.ChallengeId);
        var observedClasses = (await ReadAsync(files, ChallengeFiles.Classes(observed.Id))).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(';')[0]).ToList();
        var observedTruth = ChallengeTruth.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(await ReadAsync(files, ChallengeFiles.Truth(observed.Id)))), "truth", observedClasses);
        var observedText = new MemoryStream();
        await using (var gzip = new GZipStream((await files.Store.OpenReadAsync(ChallengeFiles.Run(observed.Id, observedRun.Id), Ct))!.Content, CompressionMode.Decompress))
            await gzip.CopyToAsync(observedText, Ct);
        observedText.Position = 0;
        var observedScores = ChallengeScorer.Score(observedTruth, observedText, "baseline");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Baseline on the newest {observedScores.Observations} observations of 2 photos ({observedScores.Classes} classes): MRR {observedScores.Mrr:F4}, macro MRR {observedScores.MacroMrr:F4}, top-1 {observedScores.Top1:P1}, top-5 {observedScores.Top5:P1}.");
        Assert.Equal((9, 9), (observedScores.Observations, observedScores.Predicted));
        Assert.True(observedScores.Top1 >= 0.5, $"top-1 {observedScores.Top1:P1}");

        // Classes the model does not know (by scientific name) give no prediction, hence a note and no (empty) run.
        var foreign = Path.Combine(temp.Path, "foreign");
        var foreignTrain = Path.Combine(temp.Path, "foreign-train");
        var zea = Directory.GetFiles(Path.Combine(RepoPaths.DemoFlora, "train", "Zea_mays"), "*.jpg").Order(StringComparer.Ordinal).ToList();
        Copy([zea[^1]], Path.Combine(foreign, "Nonexistentia_plantae"));
        Copy([zea[^2]], Path.Combine(foreignTrain, "Nonexistentia_plantae"));
        var unknownClasses = await ChallengeBuilder.CreateAsync(db, files, Spec("Foreign", foreign) with { TrainDir = foreignTrain }, null, clock, null, Ct);
        Assert.Empty(await BaselineRuns.RunOnceAsync(db, files, engine, cpu, now, Ct));
        await db.Entry(unknownClasses).ReloadAsync(Ct);
        Assert.Equal(BaselineRun.NoPredictionsNote("slice-baseline"), unknownClasses.BaselineNote);

        // A bundle that does not list what it saw gets a note, never a run.
        File.Delete(Path.Combine(bundleDir, ModelExposure.SeenFile));
        var unknown = await ChallengeBuilder.CreateAsync(db, files, Spec("Unknown", fresh), null, clock, null, Ct);
        Assert.Empty(await BaselineRuns.RunOnceAsync(db, files, engine, cpu, now, Ct));
        await db.Entry(unknown).ReloadAsync(Ct);
        Assert.Equal(BaselineRun.UnknownNote("slice-baseline"), unknown.BaselineNote);
    }

    private static void Copy(IEnumerable<string> photos, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var p in photos) File.Copy(p, Path.Combine(to, Path.GetFileName(p)));
    }

    private static async Task<string> ReadAsync(ChallengeFileStore files, string key)
    {
        var content = await files.Store.OpenReadAsync(key, Ct) ?? throw new FileNotFoundException(key);
        using var reader = new StreamReader(content.Content);
        return await reader.ReadToEndAsync(Ct);
    }
}
