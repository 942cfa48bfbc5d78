using System.IO.Compression;
using System.Text;
using Florascope.Challenges;
using Florascope.Data;
using Florascope.Data.Challenges;
using Florascope.Data.Jobs;
using Florascope.Identification;
using Florascope.Web.Hosting;
using Florascope.Web.Jobs;
using Florascope.Web.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Challenges;

/// <summary>
/// The baseline job (every <see cref="ChallengeOptions.BaselineMinutes"/>, on one node at a time): the current model submits a run to each open
/// challenge it has none for, so the leaderboard shows where the observatory's model stands; but only when the
/// bundle's <c>seen.sha256</c> proves it never saw a test photo (otherwise the challenge's BaselineNote says why).
/// Identification runs on the low-priority <see cref="BackgroundCpu"/>; the run is queued for the scorer.
/// </summary>
public sealed class BaselineRuns(IServiceScopeFactory scopes, ModelHost models, ChallengeFileStore files, BackgroundCpu cpu, RunScorer scorer,
    TimeProvider clock, IOptions<ChallengeOptions> options, ILogger<BaselineRuns> log) : IJob
{
    // A malformed period stops the server at start (the runner resolves its jobs then), never a job later.
    private readonly double _minutes = ValidMinutes(options.Value.BaselineMinutes);

    public JobName Name => JobName.ChallengeBaselines;

    /// <summary>
    /// <see cref="ChallengeOptions.BaselineMinutes"/> (default 5: a new challenge or a promoted model gets its run soon, and a
    /// pass with nothing to do reads two tables); null when baselines are off.
    /// </summary>
    public TimeSpan? Period => options.Value.Baseline ? JobsOptions.Period(_minutes) : null;

    public static double ValidMinutes(double minutes) =>
        double.IsFinite(minutes) && minutes >= 0 && minutes <= JobsOptions.MaxMinutes ? minutes
        : throw new ArgumentException($"{ChallengeOptions.Section}:BaselineMinutes must be between 0 (off) and {JobsOptions.MaxMinutes} minutes.");

    public async Task RunAsync(CancellationToken ct)
    {
        // Run by hand from /admin/jobs while baselines are off: nothing to do.
        if (!options.Value.Baseline) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
        var runs = await RunOnceAsync(db, files, models.Current, cpu, clock.GetUtcNow().UtcDateTime, ct);
        if (runs.Count > 0) scorer.Wake();
        foreach (var run in runs)
            log.LogInformation("Baseline run {Run} of {Version} queued for challenge {Challenge} ({Predictions} predictions).", run.Id, run.ModelVersion, run.ChallengeId, run.Predictions);
    }

    /// <summary>One pass over the open challenges; returns the runs queued.</summary>
    public static async Task<IReadOnlyList<ChallengeRun>> RunOnceAsync(FlorascopeDb db, ChallengeFileStore files, IdentificationEngine engine,
        BackgroundCpu cpu, DateTime nowUtc, CancellationToken ct)
    {
        var version = engine.Bundle.Manifest.Version;
        var made = new List<ChallengeRun>();
        var open = (await db.Challenges.Where(c => c.ClosedUtc == null).ToListAsync(ct))
            .Where(c => c.PhaseAt(nowUtc) == ChallengePhase.Open && !BaselineRun.IsAbout(c.BaselineNote, version)).ToList();
        foreach (var challenge in open)
        {
            var team = await db.ChallengeTeams.FirstOrDefaultAsync(t => t.ChallengeId == challenge.Id && t.IsBaseline, ct);
            if (team is null || await db.ChallengeRuns.AnyAsync(r => r.TeamId == team.Id && r.ModelVersion == version, ct)) continue;
            var note = await ExposureNoteAsync(files, challenge, engine, ct);
            if (note is not null)
            {
                challenge.BaselineNote = note;
                await db.SaveChangesAsync(ct);
                continue;
            }
            ChallengeRun? run;
            try
            {
                run = await SubmitAsync(db, files, challenge, team, engine, cpu, nowUtc, ct);
            }
            catch (ClosedMeanwhileException)
            {
                continue;
            }
            if (run is not null) made.Add(run);
            else
            {
                challenge.BaselineNote = BaselineRun.NoPredictionsNote(version);
                await db.SaveChangesAsync(ct);
            }
        }
        return made;
    }

    /// <summary>Why the model may not run on the challenge (it saw test photos, or cannot tell); null when it may.</summary>
    private static async Task<string?> ExposureNoteAsync(ChallengeFileStore files, Challenge challenge, IdentificationEngine engine, CancellationToken ct)
    {
        var version = engine.Bundle.Manifest.Version;
        if (ModelExposure.ReadBundle(engine.Bundle.Directory) is not { } seen) return BaselineRun.UnknownNote(version);
        HashSet<string> sources;
        await using (var content = await OpenAsync(files, ChallengeFiles.TestSources(challenge.Id), ct))
        using (var reader = new StreamReader(content))
            sources = ModelExposure.Read(reader);
        var overlap = ModelExposure.Overlap(seen, sources);
        return overlap > 0 ? BaselineRun.SawNote(version, overlap, sources.Count) : null;
    }

    /// <summary>
    /// Identifies every test photo, writes the run (gzip), and queues it as the baseline team's; null when the model
    /// predicts none of the challenge's classes (an empty run is not a valid run).
    /// </summary>
    private static async Task<ChallengeRun?> SubmitAsync(FlorascopeDb db, ChallengeFileStore files, Challenge challenge, ChallengeTeam team,
        IdentificationEngine engine, BackgroundCpu cpu, DateTime nowUtc, CancellationToken ct)
    {
        IReadOnlyDictionary<string, string> classIds;
        await using (var content = await OpenAsync(files, ChallengeFiles.Classes(challenge.Id), ct))
        using (var reader = new StreamReader(content))
            classIds = BaselineRun.ClassIdsByName(ChallengeClasses.Read(reader));

        var temp = Path.Combine(Path.GetTempPath(), "florascope-baseline-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var content = await OpenAsync(files, ChallengeFiles.Test(challenge.Id), ct))
            await using (var zipFile = File.Create(temp + ".zip"))
                await content.CopyToAsync(zipFile, ct);
            long bytes = 0, predictions = 0;
            await using (var output = File.Create(temp + ".txt.gz"))
            await using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
            using (var zip = ZipFile.OpenRead(temp + ".zip"))
            {
                // An observation of several photos (test/<id>/<k>.jpg) is identified from all of them in one request, as the engine does for the app.
                var observations = zip.Entries.Select(e => (Entry: e, Observation: ChallengeClasses.ObservationOf(e.FullName)))
                    .Where(e => e.Observation is not null).GroupBy(e => e.Observation!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
                foreach (var group in observations)
                {
                    var observation = group.Key;
                    var photos = new List<byte[]>();
                    foreach (var (entry, _) in group.OrderBy(e => e.Entry.FullName, StringComparer.Ordinal))
                    {
                        var photo = new byte[entry.Length];
                        await using (var s = entry.Open()) await s.ReadExactlyAsync(photo, ct);
                        photos.Add(photo);
                    }
                    var scores = await cpu.RunAsync(_ => Scores(engine, photos), ct);
                    var lines = new StringWriter();
                    predictions += BaselineRun.Write(lines, observation, BaselineRun.Predictions(scores, classIds));
                    var text = Encoding.UTF8.GetBytes(lines.ToString());
                    bytes += text.Length;
                    await gzip.WriteAsync(text, ct);
                }
            }
            if (predictions == 0) return null;
            return await QueueAsync(db, files, challenge, team, engine.Bundle.Manifest.Version, temp + ".txt.gz", bytes, predictions, nowUtc, ct);
        }
        finally
        {
            File.Delete(temp + ".zip");
            File.Delete(temp + ".txt.gz");
        }
    }

    /// <summary>The model's scores for one observation's photos, every taxon, no rejection (a test photo always shows a plant).</summary>
    private static List<(string ScientificName, double Score)> Scores(IdentificationEngine engine, List<byte[]> photos)
    {
        try
        {
            var result = engine.Identify(new IdentifyRequest { Images = [.. photos.Select(p => new IdentifyImage(p))], NoReject = true, ReferencesPerResult = 0 });
            return [.. result.Results.Select(r => (r.Taxon.ScientificNameWithoutAuthor, (double)r.Score))];
        }
        catch (IdentifyException)
        {
            // A photo the engine refuses gets no prediction: it scores 0, as a participant's missing observation does.
            return [];
        }
    }

    /// <summary>
    /// The row and its file, without a transaction open while the file is stored (SQLite would hold its write lock for
    /// every other writer): the row is added as held by the baseline (the scorer leaves it), the file stored, then the
    /// row queued; a failure deletes both. A challenge closed while the photos were identified gets no run.
    /// </summary>
    private static async Task<ChallengeRun> QueueAsync(FlorascopeDb db, ChallengeFileStore files, Challenge challenge, ChallengeTeam team,
        string version, string gzipPath, long bytes, long predictions, DateTime nowUtc, CancellationToken ct)
    {
        var fresh = await db.Challenges.AsNoTracking().FirstOrDefaultAsync(c => c.Id == challenge.Id, ct);
        if (fresh is null || fresh.PhaseAt(nowUtc) != ChallengePhase.Open) throw new ClosedMeanwhileException();
        var run = new ChallengeRun
        {
            ChallengeId = challenge.Id,
            TeamId = team.Id,
            SubmittedUtc = nowUtc,
            Method = BaselineRun.Method(version),
            FileName = $"baseline-{version}.txt",
            Bytes = bytes,
            Predictions = predictions,
            Status = RunStatus.Scoring,
            ClaimedUtc = nowUtc,
            ClaimedBy = "baseline",
            ModelVersion = version,
        };
        db.ChallengeRuns.Add(run);
        challenge.BaselineNote = null;
        await db.SaveChangesAsync(ct);
        var key = ChallengeFiles.Run(challenge.Id, run.Id);
        try
        {
            await using (var stream = File.OpenRead(gzipPath))
                await files.Store.PutAsync(key, stream, "application/gzip", ct);
            await db.ChallengeRuns.Where(r => r.Id == run.Id).ExecuteUpdateAsync(u => u
                .SetProperty(r => r.Status, RunStatus.Queued).SetProperty(r => r.ClaimedUtc, (DateTime?)null).SetProperty(r => r.ClaimedBy, (string?)null), CancellationToken.None);
            run.Status = RunStatus.Queued;
            run.ClaimedUtc = null;
            run.ClaimedBy = null;
            return run;
        }
        catch
        {
            await db.ChallengeRuns.Where(r => r.Id == run.Id).ExecuteDeleteAsync(CancellationToken.None);
            try { await files.Store.DeleteAsync(key, CancellationToken.None); }
            catch (Exception) { /* Served by no route without its row. */ }
            throw;
        }
    }

    /// <summary>The challenge closed while its baseline was being made: no run, no note.</summary>
    private sealed class ClosedMeanwhileException : Exception;

    private static async Task<Stream> OpenAsync(ChallengeFileStore files, string key, CancellationToken ct) =>
        (await files.Store.OpenReadAsync(key, ct))?.Content ?? throw new FileNotFoundException($"The challenge file {key} is missing from {files.Store.Description}.");
}
