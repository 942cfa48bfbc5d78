namespace Florascope.Challenges;

/// <summary>The four scores of a run on one part of the test set.</summary>
public sealed record ScoreSet(double Mrr, double MacroMrr, double Top1, double Top5)
{
    public static ScoreSet? Of(ChallengeScores? s) => s is null ? null : new ScoreSet(s.Mrr, s.MacroMrr, s.Top1, s.Top5);
}

/// <summary>A scored run as the leaderboard sees it.</summary>
public sealed record ScoredRun(long RunId, int TeamId, DateTime SubmittedUtc, ScoreSet Public, ScoreSet? Private);

/// <summary>One line of a leaderboard: a team, its run that counts, the scores shown, and how many runs it scored.</summary>
public sealed record Standing(int Rank, int TeamId, ScoredRun Run, ScoreSet Scores, int Runs);

/// <summary>Which part of the test set a leaderboard shows.</summary>
public enum Board
{
    Public,
    Private,
}

/// <summary>
/// Ranks teams as PlantCLEF does: by macro-averaged MRR (its 2022-2023 metric), then MRR, then the earlier run.
/// Each team's run that counts is its best on the public part, on both boards: choosing it by private scores
/// would reward submitting many runs. Pure.
/// </summary>
public static class ChallengeLeaderboard
{
    public static IReadOnlyList<Standing> Rank(IEnumerable<ScoredRun> runs, Board board)
    {
        var best = runs.GroupBy(r => r.TeamId)
            .Select(g => (Run: g.OrderByDescending(r => r.Public.MacroMrr).ThenByDescending(r => r.Public.Mrr).ThenBy(r => r.SubmittedUtc).ThenBy(r => r.RunId).First(), Count: g.Count()))
            .Select(x => (x.Run, x.Count, Scores: board == Board.Public ? x.Run.Public : x.Run.Private))
            .Where(x => x.Scores is not null)
            .OrderByDescending(x => x.Scores!.MacroMrr).ThenByDescending(x => x.Scores!.Mrr).ThenBy(x => x.Run.SubmittedUtc).ThenBy(x => x.Run.RunId)
            .ToList();
        var standings = new List<Standing>(best.Count);
        for (var i = 0; i < best.Count; i++)
        {
            // Equal scores share a rank (1, 2, 2, 4).
            var rank = i > 0 && best[i].Scores!.MacroMrr == best[i - 1].Scores!.MacroMrr && best[i].Scores!.Mrr == best[i - 1].Scores!.Mrr
                ? standings[i - 1].Rank : i + 1;
            standings.Add(new Standing(rank, best[i].Run.TeamId, best[i].Run, best[i].Scores!, best[i].Count));
        }
        return standings;
    }
}
