using System.Diagnostics;
using System.Globalization;

namespace Florascope.Bench;

/// <summary>Peak resident memory of one run of a command, with how it was read.</summary>
public sealed record PeakMemory(double PeakMb, double WallMs, int ExitCode, string Method, string Stderr)
{
    public string Why() => new ChildResult(ExitCode, "", Stderr).Why();
}

/// <summary>
/// Runs the command line as a child process and reads its peak RSS: from GNU time's rusage when
/// /usr/bin/time is there (exact), else by polling VmHWM in /proc (may miss the last moments).
/// </summary>
public static class CliPeakMemory
{
    private const string GnuTime = "/usr/bin/time";

    public static PeakMemory Run(string workingDirectory, IReadOnlyList<string> command)
    {
        var useTime = File.Exists(GnuTime);
        var psi = new ProcessStartInfo(useTime ? GnuTime : command[0])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (useTime) { psi.ArgumentList.Add("-v"); psi.ArgumentList.Add(command[0]); }
        foreach (var a in command.Skip(1)) psi.ArgumentList.Add(a);

        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Cannot start {psi.FileName}.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        long polledKb = 0;
        if (!useTime)
        {
            while (!p.HasExited)
            {
                polledKb = Math.Max(polledKb, ReadHwmKb(p.Id));
                Thread.Sleep(2);
            }
        }
        p.WaitForExit();
        var wall = clock.Elapsed.TotalMilliseconds;
        _ = stdout.Result;
        var err = stderr.Result;

        if (!useTime) return new PeakMemory(polledKb / 1024.0, wall, p.ExitCode, "polled /proc VmHWM", err);
        var line = err.Split('\n').FirstOrDefault(l => l.Contains("Maximum resident set size", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{GnuTime} -v printed no maximum resident set size:\n{err}");
        var kb = long.Parse(line.Split(':')[^1].Trim(), CultureInfo.InvariantCulture);
        var exit = err.Split('\n').FirstOrDefault(l => l.Contains("Exit status", StringComparison.Ordinal)) is { } e
            ? int.Parse(e.Split(':')[^1].Trim(), CultureInfo.InvariantCulture) : p.ExitCode;
        // GNU time appends its report to the program's own error output: keep the program's part.
        var own = err[..new[] { "Command exited with non-zero status", "\tCommand being timed:" }
            .Select(m => err.IndexOf(m, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(err.Length).Min()];
        return new PeakMemory(kb / 1024.0, wall, exit, "GNU time -v (max RSS)", own);
    }

    private static long ReadHwmKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[6..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0; // The process has just exited.
        }
    }
}
