using System.Globalization;
using Florascope.Floras;

namespace Florascope.Cli;

/// <summary>
/// The photo download's progress on stderr: redrawn in place on a terminal, one line per 10% when redirected
/// (as <see cref="ProgressBar"/>), with the counts, the rate, the megabytes received and the time left.
/// </summary>
public sealed class DownloadProgressBar : IProgress<DownloadProgress>
{
    private readonly Lock _lock = new();
    private readonly bool _interactive;
    private readonly TextWriter _out;
    private int _lastStep = -1;

    public DownloadProgressBar() : this(Console.Error, !Console.IsErrorRedirected)
    {
    }

    public DownloadProgressBar(TextWriter output, bool interactive)
    {
        _out = output;
        _interactive = interactive;
    }

    public void Report(DownloadProgress value)
    {
        lock (_lock)
        {
            var fraction = value.Total == 0 ? 1 : (double)value.Done / value.Total;
            var step = (int)(fraction * (_interactive ? 100 : 10));
            // On a terminal every URL redraws (the counts move even when the percentage does not).
            if (!_interactive && step == _lastStep) return;
            _lastStep = step;
            var line = Line(value);
            if (_interactive) _out.Write("\r" + line + "\u001b[K");
            else _out.WriteLine(line);
        }
    }

    /// <summary>Ends the line being redrawn, so that what follows starts on its own line.</summary>
    public void Finish()
    {
        lock (_lock)
        {
            if (_interactive && _lastStep >= 0) _out.WriteLine();
            _lastStep = -1;
        }
    }

    /// <summary>
    /// One line of progress. The rate counts the photos asked for in this run (those stored before cost
    /// nothing, and would make the time left look shorter than it is).
    /// </summary>
    public static string Line(DownloadProgress p)
    {
        const int width = 24;
        var fraction = p.Total == 0 ? 1 : Math.Clamp((double)p.Done / p.Total, 0, 1);
        var filled = (int)(fraction * width);
        var fetched = p.Done - p.AlreadyStored;
        var seconds = p.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? fetched / seconds : 0;
        var left = p.Total - p.Done;
        var eta = left == 0 ? "0:00" : rate > 0 ? Duration(TimeSpan.FromSeconds(left / rate)) : "?";
        return string.Create(CultureInfo.InvariantCulture,
            $"photos [{new string('#', filled)}{new string('-', width - filled)}] {fraction * 100,3:F0}% {p.Done}/{p.Total}: " +
            $"{p.Downloaded} downloaded, {p.AlreadyStored} stored before, {p.Failed} failed; {rate:F1} photos/s, {p.Bytes / 1048576.0:F1} MB, ETA {eta}");
    }

    private static string Duration(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
}
