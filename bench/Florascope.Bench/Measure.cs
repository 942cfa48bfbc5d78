using System.Diagnostics;

namespace Florascope.Bench;

/// <summary>Median, fastest and slowest of the timed repetitions, in milliseconds.</summary>
public sealed record Timing(double Median, double Min, double Max, int Reps)
{
    public override string ToString() => $"{Median:F1} ms";
}

public static class Measure
{
    public const int Warmup = 3;
    public const int Reps = 15;

    public static Timing Time(Action action, int reps = Reps, int warmup = Warmup) => Interleaved(reps, warmup, action)[0];

    /// <summary>
    /// Times several actions in turn, repetition by repetition, so that a burst of load from
    /// another process hits all of them alike and their ratios stay meaningful.
    /// </summary>
    public static Timing[] Interleaved(int reps, int warmup, params Action[] actions)
    {
        for (var w = 0; w < warmup; w++)
            foreach (var a in actions) a();
        var ms = actions.Select(_ => new double[reps]).ToArray();
        for (var r = 0; r < reps; r++)
        {
            for (var k = 0; k < actions.Length; k++)
            {
                var start = Stopwatch.GetTimestamp();
                actions[k]();
                ms[k][r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }
        return ms.Select(m =>
        {
            Array.Sort(m);
            var median = m.Length % 2 == 1 ? m[m.Length / 2] : (m[m.Length / 2 - 1] + m[m.Length / 2]) / 2;
            return new Timing(median, m[0], m[^1], reps);
        }).ToArray();
    }
}
