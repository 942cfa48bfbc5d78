using Florascope.Challenges;
using Florascope.Data.Challenges;
using Florascope.Messages;

namespace Florascope.Web.Challenges;

/// <summary>
/// The parsed truth of the challenges last used (every run is checked and scored against it): read from the
/// object store once, kept for the last <see cref="Capacity"/> challenges. A challenge's truth never changes.
/// </summary>
public sealed class ChallengeTruths(ChallengeFileStore files, Hosting.BackgroundCpu cpu)
{
    public const int Capacity = 4;

    /// <summary>The most a truth or classes file is read into memory (100,000 test observations take about 3 MB).</summary>
    public const int MaxFileBytes = 64 * 1024 * 1024;

    private readonly Lock _gate = new();
    // Most recently used last.
    private readonly List<(int ChallengeId, Task<ChallengeTruth> Truth)> _cache = [];

    public Task<ChallengeTruth> GetAsync(int challengeId, CancellationToken ct)
    {
        lock (_gate)
        {
            var i = _cache.FindIndex(e => e.ChallengeId == challengeId);
            if (i >= 0)
            {
                var hit = _cache[i];
                // A failed read is not kept: the next run tries again.
                if (!hit.Truth.IsFaulted && !hit.Truth.IsCanceled)
                {
                    _cache.RemoveAt(i);
                    _cache.Add(hit);
                    return hit.Truth.WaitAsync(ct);
                }
                _cache.RemoveAt(i);
            }
            // Started outside the lock; one read per challenge, shared by the runs that wait for it.
            var read = Task.Run(() => ReadAsync(challengeId, CancellationToken.None), CancellationToken.None);
            _cache.Add((challengeId, read));
            if (_cache.Count > Capacity) _cache.RemoveAt(0);
            return read.WaitAsync(ct);
        }
    }

    private async Task<ChallengeTruth> ReadAsync(int challengeId, CancellationToken ct)
    {
        // Both files read into memory first (asynchronously, bounded): the CPU thread never waits on a remote store.
        var list = await ReadAllAsync(ChallengeFiles.Classes(challengeId), ct);
        var truth = await ReadAllAsync(ChallengeFiles.Truth(challengeId), ct)
            ?? throw new ChallengeException(MessageText.Of("server.challenge-api.no-truth", "This challenge has no truth file: runs cannot be checked."), ChallengeError.Conflict);
        // Parsing 100,000 lines is CPU work like checking runs: on the low-priority thread too.
        return await cpu.RunAsync(_ =>
        {
            var classes = new List<string>();
            if (list is not null)
                RunFile.ForEachLine(list, "classes.csv", (_, line) =>
                {
                    var text = System.Text.Encoding.UTF8.GetString(line);
                    var cut = text.IndexOf(';');
                    classes.Add(cut < 0 ? text : text[..cut]);
                });
            return ChallengeTruth.Read(truth, "truth.csv", classes);
        }, ct);
    }

    private async Task<MemoryStream?> ReadAllAsync(string key, CancellationToken ct)
    {
        if (await files.Store.OpenReadAsync(key, ct) is not { } stored) return null;
        await using (stored.Content)
        {
            var memory = new MemoryStream();
            var buffer = new byte[1 << 16];
            int n;
            while ((n = await stored.Content.ReadAsync(buffer, ct)) > 0)
            {
                if (memory.Length + n > MaxFileBytes)
                    throw new ChallengeException(MessageText.Of("server.challenge-api.truth-too-large", "This challenge's truth is too large to check runs against."), ChallengeError.Conflict);
                memory.Write(buffer, 0, n);
            }
            memory.Position = 0;
            return memory;
        }
    }
}
