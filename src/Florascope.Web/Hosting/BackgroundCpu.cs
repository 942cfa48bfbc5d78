using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace Florascope.Web.Hosting;

/// <summary>
/// One dedicated thread, at the lowest scheduling priority the OS gives without privileges (nice 19 on Linux),
/// that runs CPU-heavy work nobody waits for in real time (checking and scoring challenge runs, baseline runs):
/// identification keeps the cores when both want them. Work waits its turn in a bounded queue; when the queue is
/// full <see cref="RunAsync{T}"/> refuses at once (<see cref="BackgroundCpuBusyException"/>) instead of piling up.
/// </summary>
public sealed partial class BackgroundCpu : IDisposable
{
    private readonly Channel<Action> _queue;
    private readonly Thread _thread;

    public BackgroundCpu(int capacity = 64)
    {
        _queue = Channel.CreateBounded<Action>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _thread = new Thread(Loop) { IsBackground = true, Name = "florascope-background-cpu" };
        _thread.Start();
    }

    /// <summary>Whether the thread runs at a lowered priority (false where the OS does not allow it).</summary>
    public bool Lowered { get; private set; }

    /// <summary>Runs <paramref name="work"/> on the low-priority thread and returns its result.</summary>
    public Task<T> RunAsync<T>(Func<CancellationToken, T> work, CancellationToken ct = default)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Run()
        {
            if (ct.IsCancellationRequested) { done.TrySetCanceled(ct); return; }
            try { done.TrySetResult(work(ct)); }
            catch (OperationCanceledException e) { done.TrySetCanceled(e.CancellationToken); }
            catch (Exception e) { done.TrySetException(e); }
        }
        if (!_queue.Writer.TryWrite(Run)) throw new BackgroundCpuBusyException();
        return done.Task;
    }

    private void Loop()
    {
        Lowered = LowerThisThread();
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            while (reader.TryRead(out var work)) work();
    }

    private static bool LowerThisThread()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // On Linux, nice is per thread: setpriority(PRIO_PROCESS, tid) lowers this thread only.
            return SetPriority(0, GetTid(), 19) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    public void Dispose() => _queue.Writer.TryComplete();
}

/// <summary>The background queue is full: the client is told to retry later (503).</summary>
public sealed class BackgroundCpuBusyException() : Exception("The background work queue is full.");
