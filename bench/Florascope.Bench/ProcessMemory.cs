using System.Globalization;

namespace Florascope.Bench;

/// <summary>This process's resident memory from /proc (Linux); 0 or false where it is not there.</summary>
public static class ProcessMemory
{
    /// <summary>Resident set now (VmRSS), in bytes.</summary>
    public static long Rss() => Status("VmRSS:");

    /// <summary>Peak resident set (VmHWM), in bytes.</summary>
    public static long PeakRss() => Status("VmHWM:");

    /// <summary>Resets VmHWM to the current RSS (Linux 4.0+); false where that is not allowed.</summary>
    public static bool ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static long Status(string field)
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { return 0; }
        catch (UnauthorizedAccessException) { return 0; }
    }
}
