namespace Florascope.Revision;

/// <summary>The outcome of the weighted vote on one task (observation, or one aspect of a photo).</summary>
/// <param name="Label">The weighted-majority label, -1 when nothing was counted.</param>
/// <param name="Confidence">Sum of the weights that voted <paramref name="Label"/>.</param>
/// <param name="Accuracy">Confidence over the sum of all weights counted (0 without votes).</param>
public readonly record struct TaskOutcome(int Label, double Confidence, double Accuracy, bool Valid)
{
    public static TaskOutcome None { get; } = new(-1, 0, 0, false);
}

/// <summary>One counted vote: a label and the weight of whoever cast it.</summary>
public readonly record struct WeightedVote(int Label, double Weight);

/// <summary>The batch result: one outcome per task, n_j and weight per worker.</summary>
public sealed class AggregationResult(int[] label, double[] confidence, double[] accuracy, bool[] valid, int[] workerN, double[] workerWeight, int rounds, bool converged)
{
    public int[] Label { get; } = label;
    public double[] Confidence { get; } = confidence;
    public double[] Accuracy { get; } = accuracy;
    public bool[] Valid { get; } = valid;
    public int[] WorkerN { get; } = workerN;
    public double[] WorkerWeight { get; } = workerWeight;
    public int Rounds { get; } = rounds;
    public bool Converged { get; } = converged;

    public TaskOutcome Outcome(int task) => new(Label[task], Confidence[task], Accuracy[task], Valid[task]);
}

/// <summary>
/// Pl@ntNet's weighted vote (docs/revision.md): users weigh w(n_j) where n_j counts the taxa they
/// proved; an observation is valid when its weighted majority is both confident and accurate
/// enough; n_j is recomputed from the valid labels until it stops changing. Pure functions.
/// </summary>
public static class LabelAggregation
{
    // Sums of the same weights added in a different order can differ in the last bits; labels
    // whose sums are this close are a tie, and the lower label wins.
    private const double TieEpsilon = 1e-9;

    /// <summary>The weighted vote on one task; the model's vote, if any, is passed as an ordinary <see cref="WeightedVote"/>.</summary>
    public static TaskOutcome Decide(ReadOnlySpan<WeightedVote> votes, AggregationSettings settings)
    {
        var total = 0.0;
        var best = -1;
        var bestSum = 0.0;
        for (var i = 0; i < votes.Length; i++)
        {
            total += votes[i].Weight;
            var label = votes[i].Label;
            if (label == best || SeenBefore(votes, i)) continue;
            var sum = 0.0;
            for (var k = i; k < votes.Length; k++)
                if (votes[k].Label == label) sum += votes[k].Weight;
            if (best < 0 || sum > bestSum + TieEpsilon || (Math.Abs(sum - bestSum) <= TieEpsilon && label < best))
                (best, bestSum) = (label, sum);
        }
        if (best < 0 || !(total > 0)) return TaskOutcome.None;
        var accuracy = bestSum / total;
        return new TaskOutcome(best, bestSum, accuracy, accuracy > settings.ThetaAccuracy && bestSum > settings.ThetaConfidence);
    }

    private static bool SeenBefore(ReadOnlySpan<WeightedVote> votes, int i)
    {
        for (var k = 0; k < i; k++)
            if (votes[k].Label == votes[i].Label) return true;
        return false;
    }

    /// <summary>Whether the model's vote counts on a task (the "confident" strategy).</summary>
    public static bool AiVotes(int aiLabel, double aiScore, AggregationSettings settings) =>
        aiLabel >= 0 && settings.AiWeight > 0 && aiScore >= settings.AiMinScore;

    /// <summary>
    /// The same for a score stored as a float (<see cref="CrowdVotes.AiScore"/>): the threshold is compared in
    /// float too, otherwise a score read as 0.7 (0.699999988 once widened) would fall below AiMinScore = 0.7.
    /// </summary>
    public static bool AiVotes(int aiLabel, float aiScore, AggregationSettings settings) =>
        aiLabel >= 0 && settings.AiWeight > 0 && aiScore >= (float)settings.AiMinScore;

    /// <summary>
    /// n_j = round_half_even(n_author + n_vote / 10) for one worker, from their votes as
    /// (task label they voted, the task's current label, whether the task is valid, whether they authored it).
    /// </summary>
    public static int Expertise(IEnumerable<(int Voted, int TaskLabel, bool TaskValid, bool IsAuthor)> votes)
    {
        var authored = new HashSet<int>();
        foreach (var v in votes)
            if (v.IsAuthor && v.TaskValid && v.Voted == v.TaskLabel) authored.Add(v.Voted);
        var voted = new HashSet<int>();
        foreach (var v in votes)
            if (!v.IsAuthor && v.Voted == v.TaskLabel && !authored.Contains(v.Voted)) voted.Add(v.Voted);
        return ExpertiseFromCounts(authored.Count, voted.Count);
    }

    public static int ExpertiseFromCounts(int authoredTaxa, int votedTaxa) => (int)Math.Round(authoredTaxa + votedTaxa / 10.0, MidpointRounding.ToEven);

    /// <summary>The whole iteration on a crowd (docs/revision.md lists every choice).</summary>
    public static AggregationResult Run(CrowdVotes crowd, AggregationSettings settings, IProgress<string>? progress = null)
    {
        settings.Validate();
        var tasks = crowd.TaskCount;
        var label = new int[tasks];
        var confidence = new double[tasks];
        var accuracy = new double[tasks];
        var valid = new bool[tasks];
        var n = new int[crowd.WorkerCount];
        var weight = new double[crowd.WorkerCount];
        Array.Fill(weight, settings.Gamma);
        DecideAll(crowd, weight, settings, label, confidence, accuracy, valid);

        var (workerStart, workerVotes, voteTask) = ByWorker(crowd);
        var next = new int[crowd.WorkerCount];
        var rounds = 0;
        var converged = false;
        while (rounds < settings.MaxRounds)
        {
            rounds++;
            ComputeExpertise(crowd, workerStart, workerVotes, voteTask, label, valid, next);
            long change = 0;
            for (var j = 0; j < next.Length; j++) change += Math.Abs(next[j] - n[j]);
            (n, next) = (next, n);
            for (var j = 0; j < n.Length; j++) weight[j] = settings.Weight(n[j]);
            DecideAll(crowd, weight, settings, label, confidence, accuracy, valid);
            progress?.Report($"round {rounds}: n changed by {change} in total, {valid.Count(v => v)} valid of {tasks}");
            if (rounds >= settings.MinRounds && (tasks == 0 ? 0 : (double)change / tasks) <= settings.Tolerance)
            {
                converged = true;
                break;
            }
        }
        return new AggregationResult(label, confidence, accuracy, valid, n, weight, rounds, converged);
    }

    private static void DecideAll(CrowdVotes crowd, double[] weight, AggregationSettings settings,
        int[] label, double[] confidence, double[] accuracy, bool[] valid)
    {
        Parallel.For(0, Chunks(crowd.TaskCount), () => new WeightedVote[64], (chunk, _, buffer) =>
        {
            var (from, to) = ChunkRange(chunk, crowd.TaskCount);
            for (var t = from; t < to; t++)
            {
                var start = crowd.TaskStart[t];
                var count = crowd.TaskStart[t + 1] - start;
                if (buffer.Length < count + 1) buffer = new WeightedVote[Math.Max(count + 1, buffer.Length * 2)];
                for (var k = 0; k < count; k++)
                    buffer[k] = new WeightedVote(crowd.VoteLabel[start + k], weight[crowd.VoteWorker[start + k]]);
                if (AiVotes(crowd.AiLabel[t], crowd.AiScore[t], settings))
                    buffer[count++] = new WeightedVote(crowd.AiLabel[t], settings.AiWeight);
                var o = Decide(buffer.AsSpan(0, count), settings);
                (label[t], confidence[t], accuracy[t], valid[t]) = (o.Label, o.Confidence, o.Accuracy, o.Valid);
            }
            return buffer;
        }, _ => { });
    }

    // Same rule as Expertise(), on flat arrays: stamp arrays (one per thread) mark the labels already
    // counted for the current worker, so each round is linear in the number of votes.
    private static void ComputeExpertise(CrowdVotes crowd, int[] workerStart, int[] workerVotes, int[] voteTask,
        int[] label, bool[] valid, int[] n)
    {
        var workers = crowd.WorkerCount;
        Parallel.For(0, Chunks(workers), () => (new int[crowd.LabelCount], new int[crowd.LabelCount]), (chunk, _, stamps) =>
        {
            var (authoredStamp, votedStamp) = stamps;
            var (from, to) = ChunkRange(chunk, workers);
            for (var j = from; j < to; j++)
            {
                var mark = j + 1;
                int authored = 0, voted = 0;
                for (var k = workerStart[j]; k < workerStart[j + 1]; k++)
                {
                    var v = workerVotes[k];
                    var t = voteTask[v];
                    var l = crowd.VoteLabel[v];
                    if (crowd.Author[t] == j && valid[t] && l == label[t] && authoredStamp[l] != mark) { authoredStamp[l] = mark; authored++; }
                }
                for (var k = workerStart[j]; k < workerStart[j + 1]; k++)
                {
                    var v = workerVotes[k];
                    var t = voteTask[v];
                    var l = crowd.VoteLabel[v];
                    if (crowd.Author[t] != j && l == label[t] && authoredStamp[l] != mark && votedStamp[l] != mark) { votedStamp[l] = mark; voted++; }
                }
                n[j] = ExpertiseFromCounts(authored, voted);
            }
            return stamps;
        }, _ => { });
    }

    /// <summary>The votes grouped by worker: indices into the task-grouped arrays, and the task of each vote.</summary>
    private static (int[] Start, int[] Votes, int[] VoteTask) ByWorker(CrowdVotes crowd)
    {
        var start = new int[crowd.WorkerCount + 1];
        foreach (var w in crowd.VoteWorker) start[w + 1]++;
        for (var j = 0; j < crowd.WorkerCount; j++) start[j + 1] += start[j];
        var fill = (int[])start.Clone();
        var votes = new int[crowd.VoteCount];
        var voteTask = new int[crowd.VoteCount];
        for (var t = 0; t < crowd.TaskCount; t++)
            for (var v = crowd.TaskStart[t]; v < crowd.TaskStart[t + 1]; v++)
            {
                voteTask[v] = t;
                votes[fill[crowd.VoteWorker[v]]++] = v;
            }
        return (start, votes, voteTask);
    }

    private const int ChunkSize = 16_384;
    private static int Chunks(int count) => (count + ChunkSize - 1) / ChunkSize;
    private static (int From, int To) ChunkRange(int chunk, int count) => (chunk * ChunkSize, Math.Min(count, (chunk + 1) * ChunkSize));

    /// <summary>Plain majority vote (every vote weighs 1, ties to the lower label), the baseline the weighted vote is compared with.</summary>
    public static int[] MajorityVote(CrowdVotes crowd)
    {
        var label = new int[crowd.TaskCount];
        var buffer = new WeightedVote[64];
        for (var t = 0; t < crowd.TaskCount; t++)
        {
            var start = crowd.TaskStart[t];
            var count = crowd.TaskStart[t + 1] - start;
            if (buffer.Length < count) buffer = new WeightedVote[count * 2];
            for (var k = 0; k < count; k++) buffer[k] = new WeightedVote(crowd.VoteLabel[start + k], 1);
            label[t] = Decide(buffer.AsSpan(0, count), AggregationSettings.Default).Label;
        }
        return label;
    }
}
