using System.Globalization;
using System.Text;

namespace Florascope.Bench;

/// <summary>Generated challenge files for the benchmarks: a truth and a run of 30 predictions per observation.</summary>
public static class RunFiles
{
    /// <summary>Writes <c>obs{o};cls{c}</c> lines and returns the true class of each observation.</summary>
    public static int[] WriteTruth(string path, int observations, int classes, int seed)
    {
        var random = new Random(seed);
        var truth = new int[observations];
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        for (var o = 0; o < observations; o++) w.Write($"obs{o};cls{truth[o] = random.Next(classes)}\n");
        return truth;
    }

    /// <summary>
    /// A run of 30 predictions per observation, probabilities falling by rank; the true class at a rank drawn near the
    /// top (1-30), or absent one time in five.
    /// </summary>
    public static void WriteRun(string path, int[] truth, int classes, int seed)
    {
        var random = new Random(seed);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        for (var o = 0; o < truth.Length; o++)
        {
            var at = random.Next(5) == 0 ? 0 : Math.Min(30, 1 + (int)(-Math.Log(1 - random.NextDouble()) * 3));
            var p = 0.9;
            for (var r = 1; r <= 30; r++)
            {
                var c = r == at ? truth[o] : (truth[o] + r * 7919) % classes;
                if (c == truth[o] && r != at) c = (c + 1) % classes;
                w.Write(string.Create(CultureInfo.InvariantCulture, $"obs{o};cls{c};{p:0.######};{r}\n"));
                p *= 0.8;
            }
        }
    }
}
