namespace Florascope.Revision;

/// <summary>
/// Every current vote of a crowd, stored as flat arrays grouped by task so that millions of votes
/// cost a few bytes each: the votes of task t are <c>[TaskStart[t], TaskStart[t+1])</c>.
/// Labels are integers 0..LabelCount-1 (a lower label wins a tie); workers are 0..WorkerCount-1.
/// </summary>
public sealed class CrowdVotes
{
    public int TaskCount { get; }
    public int WorkerCount { get; }
    public int LabelCount { get; }
    public int[] TaskStart { get; }
    public int[] VoteWorker { get; }
    public int[] VoteLabel { get; }
    /// <summary>The author (a worker) of each task, or -1 when unknown.</summary>
    public int[] Author { get; }
    /// <summary>The model's label for each task (-1: none) and its calibrated top score.</summary>
    public int[] AiLabel { get; }
    public float[] AiScore { get; }

    public int VoteCount => VoteWorker.Length;

    public CrowdVotes(int taskCount, int workerCount, int labelCount, int[] taskStart, int[] voteWorker, int[] voteLabel,
        int[] author, int[] aiLabel, float[] aiScore)
    {
        if (taskStart.Length != taskCount + 1 || taskStart[0] != 0 || voteWorker.Length != voteLabel.Length || taskStart[taskCount] != voteWorker.Length
            || author.Length != taskCount || aiLabel.Length != taskCount || aiScore.Length != taskCount)
            throw new ArgumentException("Inconsistent crowd arrays.");
        // The iteration indexes arrays by these ids: refuse out-of-range ones here, with a message.
        for (var t = 0; t < taskCount; t++)
            if (taskStart[t] > taskStart[t + 1] || author[t] >= workerCount || author[t] < -1 || aiLabel[t] >= labelCount || aiLabel[t] < -1)
                throw new ArgumentException($"Task {t}: vote range, author or model label out of range.");
        for (var v = 0; v < voteWorker.Length; v++)
            if ((uint)voteWorker[v] >= (uint)workerCount || (uint)voteLabel[v] >= (uint)labelCount)
                throw new ArgumentException($"Vote {v}: worker {voteWorker[v]} or label {voteLabel[v]} out of range (workers {workerCount}, labels {labelCount}).");
        (TaskCount, WorkerCount, LabelCount) = (taskCount, workerCount, labelCount);
        (TaskStart, VoteWorker, VoteLabel, Author, AiLabel, AiScore) = (taskStart, voteWorker, voteLabel, author, aiLabel, aiScore);
    }
}

/// <summary>
/// Collects votes in any order and groups them by task (counting sort). A later vote of the same
/// worker on the same task replaces the earlier one: one current vote per user and task.
/// </summary>
public sealed class CrowdVotesBuilder(int taskCount)
{
    private readonly List<long> _keys = [];   // task << 32 | sequence, sorted later
    private readonly List<(int Worker, int Label)> _votes = [];
    private readonly int[] _author = Fill(taskCount, -1);
    private readonly int[] _aiLabel = Fill(taskCount, -1);
    private readonly float[] _aiScore = new float[taskCount];
    private int _workers;
    private int _labels;

    public int TaskCount => taskCount;

    public void AddVote(int task, int worker, int label)
    {
        CheckTask(task);
        ArgumentOutOfRangeException.ThrowIfNegative(worker);
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfEqual(label, int.MaxValue); // label + 1 labels must fit in an int
        _keys.Add(((long)task << 32) | (uint)_votes.Count);
        _votes.Add((worker, label));
        _workers = Math.Max(_workers, worker + 1);
        _labels = Math.Max(_labels, label + 1);
    }

    public void SetAuthor(int task, int worker)
    {
        CheckTask(task);
        _author[task] = worker;
        if (worker >= 0) _workers = Math.Max(_workers, worker + 1);
    }

    public void SetAi(int task, int label, float score)
    {
        CheckTask(task);
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfEqual(label, int.MaxValue);
        (_aiLabel[task], _aiScore[task]) = (label, score);
        _labels = Math.Max(_labels, label + 1);
    }

    /// <summary>Makes sure labels up to <paramref name="count"/>-1 and workers up to <paramref name="workers"/>-1 exist even without votes.</summary>
    public void Reserve(int count, int workers) => (_labels, _workers) = (Math.Max(_labels, count), Math.Max(_workers, workers));

    public CrowdVotes Build()
    {
        var keys = _keys.ToArray();
        Array.Sort(keys);
        var start = new int[taskCount + 1];
        var worker = new List<int>(keys.Length);
        var label = new List<int>(keys.Length);
        var i = 0;
        for (var t = 0; t < taskCount; t++)
        {
            start[t] = worker.Count;
            var first = worker.Count;
            for (; i < keys.Length && (int)(keys[i] >> 32) == t; i++)
            {
                var v = _votes[(int)(uint)keys[i]];
                // Sequence order within a task: a later vote of the same worker replaces the earlier.
                var replaced = false;
                for (var k = first; k < worker.Count; k++)
                    if (worker[k] == v.Worker) { label[k] = v.Label; replaced = true; break; }
                if (!replaced) { worker.Add(v.Worker); label.Add(v.Label); }
            }
        }
        start[taskCount] = worker.Count;
        return new CrowdVotes(taskCount, _workers, _labels, start, [.. worker], [.. label], _author, _aiLabel, _aiScore);
    }

    private void CheckTask(int task)
    {
        if ((uint)task >= (uint)taskCount) throw new ArgumentOutOfRangeException(nameof(task), $"Task {task} is outside 0..{taskCount - 1}.");
    }

    private static int[] Fill(int n, int value)
    {
        var a = new int[n];
        Array.Fill(a, value);
        return a;
    }
}
