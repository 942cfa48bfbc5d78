using Florascope.Challenges;
using Florascope.Data.Challenges;
using Florascope.Messages;

namespace Florascope.Web.Challenges;

/// <summary>
/// The parsed truth of the challenges last used (every run is checked and scored against it): read from the
/// object store once, kept for the last <see cref="Capacity"/> challenges. A challenge's truth never changes.
/// </summary>
public sealed class ChallengeTruths(ChallengeFileStore files)
{
    public const int Capacity = 4;

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
                    return hit.Truth;
                }
                _cache.RemoveAt(i);
            }
            var read = ReadAsync(challengeId, CancellationToken.None);
            _cache.Add((challengeId, read));
            if (_cache.Count > Capacity) _cache.RemoveAt(0);
            return read.WaitAsync(ct);
        }
    }

    private async Task<ChallengeTruth> ReadAsync(int challengeId, CancellationToken ct)
    {
        await Task.Yield();
        var classes = new List<string>();
        await using (var list = await files.Store.OpenReadAsync(ChallengeFiles.Classes(challengeId), ct) is { } c ? c.Content : null)
        {
            if (list is not null)
                RunFile.ForEachLine(list, "classes.csv", (_, line) =>
                {
                    var text = System.Text.Encoding.UTF8.GetString(line);
                    var cut = text.IndexOf(';');
                    classes.Add(cut < 0 ? text : text[..cut]);
                });
        }
        var truth = await files.Store.OpenReadAsync(ChallengeFiles.Truth(challengeId), ct)
            ?? throw new ChallengeException(MessageText.Of("server.challenge-api.no-truth", "This challenge has no truth file: runs cannot be checked."), ChallengeError.Conflict);
        await using (truth.Content)
            return ChallengeTruth.Read(truth.Content, "truth.csv", classes);
    }
}
