using System.Diagnostics;
using System.Globalization;
using Florascope.Revision;
using Florascope.Seed;

namespace Florascope.Bench;

/// <summary>
/// The batch weighted vote (LabelAggregation.Run) on a synthetic crowd at Pl@ntNet-CrowdSWE scale
/// (SyntheticCrowd, docs/synthetic-crowds.md): generation time, wall time, rounds, peak memory;
/// then, against the known truth, the accuracy of the weighted vote and of plain majority vote, and
/// how many observations each validates, with and without the model as a voter.
/// Usage: crowd [--scale F] [--seed N] [--verbose]  (--verbose prints each round with its time, at the cost of a count per round)
/// </summary>
public static class CrowdBenchmark
{
    private const double TargetSeconds = 30;
    private const double TargetGb = 4;

    public static int Run(string[] args)
    {
        var root = EngineBenchmark.RepoRoot();
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var scale = double.Parse(Arg("--scale") ?? "1", CultureInfo.InvariantCulture);
        var parameters = SyntheticCrowdParameters.Default;
        if (scale != 1) parameters = parameters.Scaled(scale);
        if (Arg("--seed") is { } seed) parameters = parameters with { Seed = ulong.Parse(seed, CultureInfo.InvariantCulture) };
        var verbose = args.Contains("--verbose");
        var report = new Report("crowd");
        var loadStart = LoadAverage();
        Console.WriteLine($"Florascope crowd benchmark on {Report.Machine()}: scale {scale}, seed {parameters.Seed}; load average {loadStart}");

        // 1. The crowd.
        ForceGc();
        var clock = Stopwatch.StartNew();
        var sim = SyntheticCrowd.Generate(parameters);
        var generateSeconds = clock.Elapsed.TotalSeconds;
        var crowd = sim.Votes;
        var generatePeak = ProcessMemory.PeakRss();
        report.Add("Generate the synthetic crowd", $"{generateSeconds:F1} s",
            $"{crowd.TaskCount:N0} observations, {crowd.WorkerCount:N0} users, {crowd.VoteCount:N0} votes, {crowd.LabelCount:N0} taxa, seed {parameters.Seed}");
        report.Add("  arrays of the crowd and its truth", $"{sim.Bytes / 1e6:F0} MB", $"peak RSS of the process so far {Mb(generatePeak)}");
        DescribeCrowd(report, sim);

        // 2. The batch aggregation: default settings, the reference's stopping rule, no model.
        var settings = AggregationSettings.Default;
        var weighted = Aggregate(report, "Run, default settings (until n_j stops changing)", crowd, settings, verbose);
        var reference = Aggregate(report, "Run, reference stopping rule (Tolerance 1e-5, MinRounds 5)", crowd,
            settings with { Tolerance = 1e-5, MinRounds = 5 }, verbose);
        var noAi = Aggregate(report, "Run, default settings without the model (AiWeight 0)", crowd, settings with { AiWeight = 0 }, verbose);

        clock.Restart();
        var majority = LabelAggregation.MajorityVote(crowd);
        report.Add("MajorityVote (humans only)", $"{clock.Elapsed.TotalSeconds:F2} s", "LabelAggregation.MajorityVote, one pass");

        // 3. Against the truth.
        var disagree = Disagreement(crowd);
        var humans = Majority(crowd, withAi: false);
        var withAi = Majority(crowd, withAi: true);
        if (!majority.AsSpan().SequenceEqual(humans.Label))
            report.Note("LabelAggregation.MajorityVote and this suite's own count of the human votes disagree on some labels.");
        var disagreeing = disagree.Count(d => d);
        Console.WriteLine();
        Console.WriteLine($"Against the truth ({crowd.TaskCount:N0} observations, {disagreeing:N0} where the human voters disagree):");
        Accuracy(report, "Weighted vote with the model (confident, w 1.7)", sim.Truth, disagree, weighted.Label,
            [("validated (acc > 0.7, conf > 2)", weighted.Valid)]);
        Accuracy(report, "  same, reference stopping rule", sim.Truth, disagree, reference.Label,
            [("validated (acc > 0.7, conf > 2)", reference.Valid)]);
        Accuracy(report, "Weighted vote without the model", sim.Truth, disagree, noAi.Label,
            [("validated (acc > 0.7, conf > 2)", noAi.Valid)]);
        Accuracy(report, "Majority vote, humans", sim.Truth, disagree, humans.Label,
            [("validated, same thresholds with weights 1", humans.SameThresholds), ("validated, iNaturalist rule", humans.INaturalist)]);
        Accuracy(report, "Majority vote, model as one more vote (score >= 0.7)", sim.Truth, disagree, withAi.Label,
            [("validated, same thresholds with weights 1", withAi.SameThresholds), ("validated, iNaturalist rule", withAi.INaturalist)]);

        var loadEnd = LoadAverage();
        report.PrintTable();
        report.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), report.Markdown(
            $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}",
            [$"Synthetic crowd from `SyntheticCrowd.Generate` (model in docs/synthetic-crowds.md), scale {scale.ToString(CultureInfo.InvariantCulture)} of Pl@ntNet-CrowdSWE; the truth is known, so accuracies are exact, not estimated on an expert subset.",
             $"Server GC {System.Runtime.GCSettings.IsServerGC}; load average at start {loadStart}, at end {loadEnd} (the machine is shared: the times move with its load).",
             "Peak RSS: VmHWM of /proc/self/status, reset (`5` > /proc/self/clear_refs) just before the step, so it counts the crowd already in memory (and the labels kept from the earlier runs, about 34 MB each); GC heap: sampled every 20 ms. One run of each step (no warm-up: a batch job runs once).",
             "\"Humans disagree\": the human votes on the observation name at least two taxa. Majority-vote ties go to the lower taxon id, as in LabelAggregation; the ids are a random permutation of popularity, so a tie is a coin toss.",
             "Majority vote's \"validated\" is given two ways: the weighted vote's thresholds with every weight 1 (acc > 0.7 and conf > 2: at least 3 votes for the label and over 70 % of them), and iNaturalist's community-taxon rule (more than one vote and more than 2/3 agreement)."]));
        return 0;
    }

    private sealed record Aggregated(int[] Label, bool[] Valid);

    private static Aggregated Aggregate(Report report, string what, CrowdVotes crowd, AggregationSettings settings, bool verbose)
    {
        ForceGc();
        var resetWorked = ProcessMemory.ResetPeakRss();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var sampler = new HeapSampler();
        var clock = Stopwatch.StartNew();
        var result = LabelAggregation.Run(crowd, settings, verbose ? new Rounds(clock) : null);
        var seconds = clock.Elapsed.TotalSeconds;
        sampler.Stop();
        var peak = ProcessMemory.PeakRss();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var valid = result.Valid.Count(v => v);
        report.Add(what, $"{seconds:F1} s",
            $"{result.Rounds} rounds, converged {result.Converged}; {(seconds < TargetSeconds ? "target < 30 s" : "over the 30 s target")}");
        report.Add("  valid observations", $"{valid:N0}", $"{100.0 * valid / Math.Max(1, crowd.TaskCount):F2} % of {crowd.TaskCount:N0}");
        report.Add("  peak RSS during the run", Mb(peak),
            $"{(resetWorked ? "VmHWM reset before the run" : "VmHWM of the whole process (clear_refs refused)")}; {(peak < TargetGb * 1e9 ? "target < 4 GB" : "over the 4 GB target")}");
        report.Add("  peak GC heap / allocated by Run", $"{Mb(sampler.PeakBytes)} / {Mb(allocated)}", "sampled every 20 ms / GC.GetTotalAllocatedBytes");
        return new Aggregated(result.Label, result.Valid);
    }

    private static void DescribeCrowd(Report report, SyntheticCrowd sim)
    {
        var crowd = sim.Votes;
        int one = 0, two = 0, more = 0, most = 0;
        long extra = 0, byExperts = 0, right = 0;
        for (var t = 0; t < crowd.TaskCount; t++)
        {
            var n = crowd.TaskStart[t + 1] - crowd.TaskStart[t];
            if (n == 1) one++; else if (n == 2) two++; else more++;
            most = Math.Max(most, n);
            for (var v = crowd.TaskStart[t]; v < crowd.TaskStart[t + 1]; v++)
            {
                if (crowd.VoteLabel[v] == sim.Truth[t]) right++;
                if (v == crowd.TaskStart[t]) continue;
                extra++;
                if (sim.IsExpert[crowd.VoteWorker[v]]) byExperts++;
            }
        }
        var tasks = Math.Max(1, crowd.TaskCount);
        report.Add("  votes per observation: 1 / 2 / 3+ / max", $"{Pct(one, tasks)} / {Pct(two, tasks)} / {Pct(more, tasks)} / {most}", "share of observations");

        var authored = new int[crowd.WorkerCount];
        foreach (var a in crowd.Author) authored[a]++;
        var sorted = (int[])authored.Clone();
        Array.Sort(sorted);
        var users = Math.Max(1, sorted.Length);
        var atMostTwo = sorted.Count(c => c <= 2);
        var top1 = sorted.Length == 0 ? 0 : sorted[^Math.Max(1, sorted.Length / 100)..].Sum(c => (long)c);
        report.Add("  observations per user: median / max", $"{(sorted.Length == 0 ? 0 : sorted[sorted.Length / 2])} / {(sorted.Length == 0 ? 0 : sorted[^1]):N0}",
            $"{Pct(atMostTwo, users)} of users author 1-2; the top 1 % author {Pct(top1, tasks)} of the observations");

        var experts = sim.IsExpert.Count(e => e);
        var expertAuthored = 0L;
        for (var j = 0; j < authored.Length; j++) if (sim.IsExpert[j]) expertAuthored += authored[j];
        report.Add("  votes on others' observations cast by the experts", Pct(byExperts, Math.Max(1, extra)),
            $"{experts:N0} experts (mean skill {MeanSkill(sim, true):F3}) author {Pct(expertAuthored, tasks)} of the observations; others' mean skill {MeanSkill(sim, false):F3}");
        report.Add("  human votes naming the true taxon", Pct(right, Math.Max(1, crowd.VoteCount)), "");

        if (!sim.Parameters.IncludeAi) return;
        int confident = 0, confidentRight = 0, aiRight = 0;
        for (var t = 0; t < crowd.TaskCount; t++)
        {
            var ok = crowd.AiLabel[t] == sim.Truth[t];
            if (ok) aiRight++;
            if (LabelAggregation.AiVotes(crowd.AiLabel[t], crowd.AiScore[t], AggregationSettings.Default)) { confident++; if (ok) confidentRight++; }
        }
        report.Add("  model: right / votes (score >= 0.7) / right when it votes", $"{Pct(aiRight, tasks)} / {Pct(confident, tasks)} / {Pct(confidentRight, Math.Max(1, confident))}",
            "one model vote per observation, right with probability = its score");
    }

    private static double MeanSkill(SyntheticCrowd sim, bool experts)
    {
        double sum = 0;
        var n = 0;
        for (var j = 0; j < sim.Skill.Length; j++)
            if (sim.IsExpert[j] == experts) { sum += sim.Skill[j]; n++; }
        return n == 0 ? double.NaN : sum / n;
    }

    /// <summary>Whether the human votes on each observation name two taxa or more.</summary>
    private static bool[] Disagreement(CrowdVotes crowd)
    {
        var d = new bool[crowd.TaskCount];
        for (var t = 0; t < crowd.TaskCount; t++)
            for (var v = crowd.TaskStart[t] + 1; v < crowd.TaskStart[t + 1]; v++)
                if (crowd.VoteLabel[v] != crowd.VoteLabel[crowd.TaskStart[t]]) { d[t] = true; break; }
        return d;
    }

    private sealed record MajorityResult(int[] Label, bool[] SameThresholds, bool[] INaturalist);

    /// <summary>
    /// Plain majority (every vote 1, ties to the lower taxon) through LabelAggregation.Decide; with the
    /// model, it is one more vote where its score is at least AiMinScore.
    /// </summary>
    private static MajorityResult Majority(CrowdVotes crowd, bool withAi)
    {
        var settings = AggregationSettings.Default;
        var label = new int[crowd.TaskCount];
        var same = new bool[crowd.TaskCount];
        var inat = new bool[crowd.TaskCount];
        var buffer = new WeightedVote[64];
        for (var t = 0; t < crowd.TaskCount; t++)
        {
            var start = crowd.TaskStart[t];
            var count = crowd.TaskStart[t + 1] - start;
            if (buffer.Length < count + 1) buffer = new WeightedVote[2 * (count + 1)];
            for (var k = 0; k < count; k++) buffer[k] = new WeightedVote(crowd.VoteLabel[start + k], 1);
            if (withAi && LabelAggregation.AiVotes(crowd.AiLabel[t], crowd.AiScore[t], settings)) buffer[count++] = new WeightedVote(crowd.AiLabel[t], 1);
            var o = LabelAggregation.Decide(buffer.AsSpan(0, count), settings);
            (label[t], same[t], inat[t]) = (o.Label, o.Valid, count > 1 && o.Accuracy > 2.0 / 3);
        }
        return new MajorityResult(label, same, inat);
    }

    private static void Accuracy(Report report, string what, int[] truth, bool[] disagree, int[] label, (string What, bool[] Valid)[] validations)
    {
        long right = 0, disagreeRight = 0, disagreeing = 0;
        for (var t = 0; t < truth.Length; t++)
        {
            var ok = label[t] == truth[t];
            if (ok) right++;
            if (!disagree[t]) continue;
            disagreeing++;
            if (ok) disagreeRight++;
        }
        var tasks = Math.Max(1, truth.Length);
        var indent = what.StartsWith(' ') ? "    " : "  ";
        report.Add($"{what}: accuracy", Pct(right, tasks, 3), $"all {truth.Length:N0} observations");
        report.Add($"{indent}where the humans disagree", Pct(disagreeRight, Math.Max(1, disagreeing), 2), $"{disagreeing:N0} observations");
        foreach (var (name, valid) in validations)
        {
            long count = 0, validRight = 0;
            for (var t = 0; t < truth.Length; t++)
                if (valid[t]) { count++; if (label[t] == truth[t]) validRight++; }
            report.Add($"{indent}{name}", $"{count:N0} ({Pct(count, tasks)})", $"{Pct(validRight, Math.Max(1, count), 3)} of them right");
        }
    }

    private static string Pct(long part, long whole, int decimals = 1) =>
        (100.0 * part / whole).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " %";

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Mb(long bytes) => bytes <= 0 ? "n/a" : $"{bytes / 1e6:F0} MB";

    private static void ForceGc()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>Prints each round as it ends, with the time since the start of the run (synchronous, unlike Progress).</summary>
    private sealed class Rounds(Stopwatch clock) : IProgress<string>
    {
        public void Report(string value) => Console.WriteLine($"    {clock.Elapsed.TotalSeconds,6:F2} s  {value}");
    }

    /// <summary>Samples the GC heap until stopped.</summary>
    private sealed class HeapSampler
    {
        private readonly Timer _timer;
        private long _peak;

        public HeapSampler() => _timer = new Timer(_ => Sample(), null, 0, 20);

        public long PeakBytes => Interlocked.Read(ref _peak);

        public void Stop()
        {
            _timer.Dispose();
            Sample();
        }

        private void Sample()
        {
            var heap = GC.GetTotalMemory(forceFullCollection: false);
            long current;
            while (heap > (current = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, heap, current) != current) { }
        }
    }
}
