using System.Diagnostics;
using Florascope.Tests.TestSupport;

namespace Florascope.Tests.Cli;

/// <summary>What one run of the command line printed and returned.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}

/// <summary>
/// Runs the built CLI (florascope.dll, copied next to the test assembly by the project reference)
/// as a child process, from the repository root so that it finds models/demo as a user would.
/// </summary>
public static class CliProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "florascope.dll");

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    /// <param name="environment">Variables set for the child only (e.g. Florascope__Storage__Kind).</param>
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        if (!File.Exists(Dll)) throw new FileNotFoundException($"The CLI is not in the test output: {Dll}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        // The tests run two at a time on small machines: one network thread per child avoids thrashing.
        start.Environment["FLORASCOPE_THREADS"] = "1";
        foreach (var (k, v) in environment) start.Environment[k] = v;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start dotnet.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
