using System.Diagnostics;

namespace Florascope.Bench;

public sealed record ChildResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The value of a <c>key=value</c> line of the output, if any.</summary>
    public string? Value(string key) =>
        Stdout.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];

    /// <summary>One line that says why it failed: the first error line (an exception's message, a build error).</summary>
    public string Why()
    {
        static IEnumerable<string> Lines(string s) => s.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0);
        return Lines(Stderr).FirstOrDefault()
            ?? Lines(Stdout).FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))
            ?? Lines(Stdout).LastOrDefault() ?? "no output";
    }
}

public static class ChildProcess
{
    public static ChildResult Run(string workingDirectory, IReadOnlyList<string> command)
    {
        var psi = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in command.Skip(1)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Cannot start {command[0]}.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return new ChildResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}
