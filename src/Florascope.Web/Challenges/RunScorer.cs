using System.IO.Compression;
using System.Threading.Channels;
using Florascope.Challenges;
using Florascope.Data;
using Florascope.Data.Challenges;
using Florascope.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Florascope.Web.Challenges;

/// <summary>
/// Scores queued runs in the background, on every node: a run is claimed with a conditional UPDATE (only the node
/// whose update changed the row scores it; a claim older than <see cref="ChallengeRunStore.ClaimTimeout"/> is taken
/// over), read from the object store and scored on <see cref="BackgroundCpu"/> on the public and private parts of
/// the test set. Woken at once by an upload on its node, else it looks every <see cref="ChallengeOptions.ScoringPollSeconds"/>.
/// A run that fails unexpectedly is marked Failed (the reason logged) and the pass goes on with the next one; a passing
/// failure of one run (store, network, database error) gives it back, and marks it Failed after <see cref="MaxAttempts"/>
/// tries on this node; only a database that cannot be reached ends the pass.
/// </summary>
public sealed class RunScorer(IServiceScopeFactory scopes, BackgroundCpu cpu, ChallengeFileStore files, ChallengeTruths truths,
    IOptions<ChallengeOptions> options, TimeProvider clock, ILogger<RunScorer> log, string tempDirectory) : BackgroundService
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>This node's name in the runs it claims.</summary>
    public string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Looks for runs now (a run was just queued on this node).</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await ScoreQueuedAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database or the store is away for a moment: the runs stay queued for the next look.
                log.LogWarning(e, "Scoring challenge runs failed; retrying at the next look.");
            }
            using var poll = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(0.1, options.Value.ScoringPollSeconds)), clock);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop, poll.Token);
            try
            {
                await _wake.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>Scores every run this node can claim now; returns how many it scored or failed.</summary>
    public async Task<int> ScoreQueuedAsync(CancellationToken ct)
    {
        var done = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FlorascopeDb>();
            var ids = await ChallengeRunStore.ClaimableAsync(db, clock.GetUtcNow().UtcDateTime, 16, ct);
            var scored = 0;
            foreach (var id in ids)
                if (await ScoreAsync(db, id, ct)) scored++;
            done += scored;
            if (ids.Count == 0 || scored == 0) return done;
        }
    }

    /// <summary>Claims and scores one run; false when another node holds it.</summary>
    public async Task<bool> ScoreAsync(FlorascopeDb db, long runId, CancellationToken ct)
    {
        if (!await ChallengeRunStore.ClaimAsync(db, runId, Node, clock.GetUtcNow().UtcDateTime, ct)) return false;
        try
        {
            var run = await db.ChallengeRuns.AsNoTracking().FirstAsync(r => r.Id == runId, ct);
            var challenge = await db.Challenges.AsNoTracking().FirstAsync(c => c.Id == run.ChallengeId, ct);
            ChallengeTruth truth;
            try
            {
                truth = await truths.GetAsync(challenge.Id, ct);
            }
            catch (ChallengeException e)
            {
                // The challenge's truth (missing, oversized) is the server's problem, not the run's: it waits for a fix.
                log.LogError(e, "The truth of challenge {Challenge} cannot be read; run {Run} stays queued.", challenge.Id, runId);
                await TryReleaseAsync(db, runId);
                return false;
            }
            var content = await files.Store.OpenReadAsync(ChallengeFiles.Run(challenge.Id, runId), ct)
                ?? throw new InvalidDataException("The run's file is missing from the store.");
            // Copied to a local file first (asynchronously): the CPU thread never waits on the network of a remote store.
            await using var local = await LocalCopyAsync(content.Content, ct);
            var scores = await cpu.RunAsync(c => ScoreParts(truth, challenge.SplitKey, challenge.PublicPercent, local), ct);
            await ChallengeRunStore.RecordScoresAsync(db, runId, Node, scores.Public, scores.Private, clock.GetUtcNow().UtcDateTime, CancellationToken.None);
            _attempts.TryRemove(runId, out _);
        }
        catch (Exception e) when (e is InvalidDataException or RunFileException or ChallengeException)
        {
            await ChallengeRunStore.RecordFailureAsync(db, runId, Node, e.Message, clock.GetUtcNow().UtcDateTime, CancellationToken.None);
        }
        catch (BackgroundCpuBusyException)
        {
            // Given back at once rather than held for the claim timeout: the queue empties, the next look scores it.
            await ChallengeRunStore.ReleaseAsync(db, runId, Node, CancellationToken.None);
            return false;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: given back at once (not with the cancelled token) so another node takes it now.
            await TryReleaseAsync(db, runId);
            throw;
        }
        catch (Exception e) when (DatabaseFaults.IsUnavailable(e))
        {
            // The database cannot be reached: no other run would do better, the pass ends (given back for the next look).
            await TryReleaseAsync(db, runId);
            throw;
        }
        catch (Exception e) when (IsTransient(e) || e is OperationCanceledException)
        {
            // A failure of the store or the database for this run (a timeout too, the service not stopping): given back
            // and the pass goes on with the next run; after MaxAttempts tries on this node it is marked failed.
            var attempts = _attempts.AddOrUpdate(runId, 1, (_, n) => n + 1);
            log.LogWarning(e, "Scoring challenge run {Run} failed (try {Attempt} of {Max}).", runId, attempts, MaxAttempts);
            if (attempts < MaxAttempts)
            {
                await TryReleaseAsync(db, runId);
                return false;
            }
            _attempts.TryRemove(runId, out _);
            await TryRecordFailureAsync(db, runId);
        }
        catch (Exception e)
        {
            // A fault of this run (or a bug): it must not stop the pass nor come back at every look. The reason is
            // logged; the team reads a generic message.
            log.LogError(e, "Scoring challenge run {Run} failed unexpectedly; it is marked failed.", runId);
            await TryRecordFailureAsync(db, runId);
        }
        return true;
    }

    /// <summary>Tries of a run on this node that failed for a passing reason; the last one marks it failed.</summary>
    public const int MaxAttempts = 3;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, int> _attempts = new();

    private async Task TryRecordFailureAsync(FlorascopeDb db, long runId)
    {
        try
        {
            await ChallengeRunStore.RecordFailureAsync(db, runId, Node, UnexpectedFailure, clock.GetUtcNow().UtcDateTime, CancellationToken.None);
        }
        catch (Exception again) when (IsTransient(again))
        {
            log.LogWarning(again, "Marking run {Run} failed did not work; its claim will time out.", runId);
        }
    }

    /// <summary>What the team reads of a run that failed for a reason of the server's.</summary>
    public const string UnexpectedFailure = "The run could not be scored because of an error on the server; the administrators were told.";

    /// <summary>A failure of the database or the store, not of the run: worth another try later.</summary>
    private static bool IsTransient(Exception e) =>
        DatabaseFaults.IsUnavailable(e) || e is IOException or HttpRequestException or TimeoutException or Microsoft.EntityFrameworkCore.DbUpdateException
        || e is System.Data.Common.DbException;

    private async Task TryReleaseAsync(FlorascopeDb db, long runId)
    {
        try { await ChallengeRunStore.ReleaseAsync(db, runId, Node, CancellationToken.None); }
        catch (Exception again) { log.LogDebug(again, "Releasing run {Run} failed; its claim will time out.", runId); }
    }

    /// <summary>The stored run in a local temporary file (deleted when disposed), read from the store asynchronously.</summary>
    private async Task<FileStream> LocalCopyAsync(Stream stored, CancellationToken ct)
    {
        await using (stored)
        {
            Directory.CreateDirectory(tempDirectory);
            var file = new FileStream(Path.Combine(tempDirectory, $"run-{Guid.NewGuid():N}.score.part"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
                1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            try
            {
                await stored.CopyToAsync(file, 1 << 16, ct);
                file.Position = 0;
                return file;
            }
            catch
            {
                await file.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>
    /// The scores of a stored (gzip) run on the public part of the test set (<see cref="ChallengeRules.PublicMask"/>)
    /// and on the private part (the rest); a part without observations has none. Pure.
    /// </summary>
    public static (ScoreSet? Public, ScoreSet? Private) ScoreParts(ChallengeTruth truth, byte[] splitKey, int publicPercent, Stream gzip)
    {
        using var text = new GZipStream(gzip, CompressionMode.Decompress, leaveOpen: true);
        var check = ChallengeScorer.Check(truth, text, "run", maxErrors: 1);
        if (check.Ranks is not { } ranks) throw new InvalidDataException($"The stored run is not valid: line {check.Errors[0].Line}: {check.Errors[0].Reason}");
        var mask = ChallengeRules.PublicMask(splitKey, truth.ObservationIds, publicPercent);
        return (ScoreSet.Of(ChallengeScorer.Scores(truth, ranks, i => mask[i])), ScoreSet.Of(ChallengeScorer.Scores(truth, ranks, i => !mask[i])));
    }
}
