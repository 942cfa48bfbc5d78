using Florascope.Identification;
using Florascope.Imaging;

namespace Florascope.Cli;

/// <summary>Exit codes of the command line.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Bad arguments or input (unreadable image, unknown organ, project, taxon...).</summary>
    public const int BadInput = 2;
    /// <summary>The photos were judged not to show a plant ("Species not found").</summary>
    public const int NotAPlant = 3;
    /// <summary>An unexpected failure (a bug): reported in one line too.</summary>
    public const int Internal = 70;
    /// <summary>Interrupted (Ctrl+C): the shell's code for SIGINT.</summary>
    public const int Cancelled = 130;
}

/// <summary>Runs a command body so that every failure is one line on stderr and a non-zero exit.</summary>
public static class CliRunner
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            return Report(e);
        }
    }

    /// <summary>
    /// <see cref="Run"/> for asynchronous actions: the same one-line errors and exit codes. Interrupted
    /// (Ctrl+C cancels <paramref name="ct"/>): one line and <see cref="ExitCodes.Cancelled"/>.
    /// </summary>
    public static async Task<int> RunAsync(Func<Task<int>> body, CancellationToken ct)
    {
        try
        {
            return await body();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("florascope: cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            return Report(e);
        }
    }

    private static int Report(Exception e)
    {
        if (e is IdentifyException or ImageInputException or FileNotFoundException
            or DirectoryNotFoundException or InvalidDataException or Florascope.DarwinCore.DwcaFormatException or Florascope.Revision.CrowdFileException or Florascope.Challenges.RunFileException or Florascope.Data.Challenges.ChallengeException or Florascope.Data.Accounts.AccountException or Florascope.Data.Models.ModelRegistryException or ArgumentException or UnauthorizedAccessException or IOException)
        {
            Console.Error.WriteLine($"florascope: {OneLine(e.Message)}");
            return ExitCodes.BadInput;
        }
        Console.Error.WriteLine($"florascope: internal error: {OneLine(e.Message)} ({e.GetType().Name})");
        return ExitCodes.Internal;
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
