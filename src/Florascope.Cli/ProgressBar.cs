namespace Florascope.Cli;

/// <summary>
/// A progress bar on stderr: redrawn in place on a terminal, one line per 10% when redirected.
/// </summary>
public sealed class ProgressBar : IProgress<(string Stage, int Done, int Total)>
{
    private readonly Lock _lock = new();
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private string _stage = "";
    private int _lastStep = -1;

    public void Report((string Stage, int Done, int Total) value)
    {
        lock (_lock)
        {
            if (value.Stage != _stage) { Finish(); _stage = value.Stage; _lastStep = -1; _clock.Restart(); }
            var fraction = value.Total == 0 ? 1 : (double)value.Done / value.Total;
            var step = (int)(fraction * (_interactive ? 100 : 10));
            if (step == _lastStep) return;
            _lastStep = step;
            var rate = value.Done / Math.Max(1e-3, _clock.Elapsed.TotalSeconds);
            const int width = 30;
            var filled = (int)(fraction * width);
            var line = $"{value.Stage,-22} [{new string('#', filled)}{new string('-', width - filled)}] {fraction,4:P0} {value.Done}/{value.Total} ({rate:F1}/s)";
            if (_interactive) Console.Error.Write("\r" + line);
            else Console.Error.WriteLine(line);
        }
    }

    public void Finish()
    {
        lock (_lock)
        {
            if (_interactive && _lastStep >= 0) Console.Error.WriteLine();
            _lastStep = -1;
        }
    }
}
