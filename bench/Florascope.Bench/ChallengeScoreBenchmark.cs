using System.Diagnostics;
using System.Globalization;
using Florascope.Challenges;

namespace Florascope.Bench;

/// <summary>
/// Issue 14's scale target for the scorer: a run of 100,000 test observations x 30 predictions (~3M lines,
/// ~70 MB) scored in under 2 s with bounded memory. The truth and the run are generated (10,000 classes, the true
/// class at a random rank or absent), written to temporary files, and scored from the file as the CLI does.
/// Usage: challenge-score [--observations N]
/// </summary>
public static class ChallengeScoreBenchmark
{
    private const int Classes = 10_000;

    public static int Run(string[] args)
    {
        var root = EngineBenchmark.RepoRoot();
        var n = Array.IndexOf(args, "--observations") is var i and >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 100_000;
        var report = new Report("challenge-score");
        Console.WriteLine($"Florascope challenge-score benchmark on {Report.Machine()}");
        var dir = Path.Combine(Path.GetTempPath(), "florascope-challenge-bench");
        Directory.CreateDirectory(dir);
        var truthPath = Path.Combine(dir, "truth.csv");
        var runPath = Path.Combine(dir, "run.txt");
        var truth = RunFiles.WriteTruth(truthPath, n, Classes, 14);
        var clock = Stopwatch.StartNew();
        RunFiles.WriteRun(runPath, truth, Classes, 14);
        var size = new FileInfo(runPath).Length;
        report.Add("Run file", $"{size / 1e6:F1} MB", $"{n:N0} observations x 30 predictions = {n * 30L:N0} lines; written in {clock.Elapsed.TotalSeconds:F1} s");

        ChallengeTruth t;
        using (var s = File.OpenRead(truthPath)) t = ChallengeTruth.Read(s, truthPath);
        var times = new List<double>();
        ChallengeScores? scores = null;
        long peakAllocated = 0;
        for (var rep = 0; rep < 4; rep++)
        {
            var allocated = GC.GetTotalAllocatedBytes(true);
            clock.Restart();
            using (var s = File.OpenRead(runPath)) scores = ChallengeScorer.Score(t, s, runPath);
            var elapsed = clock.Elapsed.TotalSeconds;
            if (rep > 0) times.Add(elapsed);
            peakAllocated = Math.Max(peakAllocated, GC.GetTotalAllocatedBytes(true) - allocated);
        }
        times.Sort();
        report.Add("Score the run (ChallengeScorer.Score from the file)", $"{times[times.Count / 2]:F2} s", $"median of {times.Count} after a warm-up (min {times[0]:F2}, max {times[^1]:F2}); target < 2 s");
        report.Add("  scores", $"MRR {scores!.Mrr:F4}", $"macro MRR {scores.MacroMrr:F4}, top-1 {scores.Top1:P1}, top-5 {scores.Top5:P1}, {scores.Classes:N0} classes");
        report.Add("  arrays kept per test observation", "246 bytes", "by construction: 30 probabilities (float), 30 predicted classes (int), a rank mask, a count, the true rank; the run's size does not matter");
        report.Add("  allocated while scoring", $"{peakAllocated / 1e6:F0} MB", "GC.GetTotalAllocatedBytes over one scoring: those arrays, the read buffers, no string per line");
        report.Add("  peak working set of the process", $"{Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB", "generation of the files included");
        File.Delete(runPath);
        File.Delete(truthPath);
        report.PrintTable();
        report.WriteSection(Path.Combine(root, "docs", "benchmarks.md"), report.Markdown(
            $"dotnet run -c Release --project bench/Florascope.Bench -- {string.Join(' ', args)}",
            [$"Generated truth ({n:N0} observations, {Classes:N0} classes, seed 14) and run (30 predictions each, probabilities falling by rank, the true class at a rank drawn near the top or absent one time in five), UTF-8 files in {dir}, deleted afterwards.",
             "Scored as `florascope challenge score` does: the truth read, then the run streamed line by line with every check of the format."]));
        return 0;
    }
}
