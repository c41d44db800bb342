using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PgMetrics.Collector.Hosting;

/// <summary>
/// SIGTERM and SIGINT (Ctrl-C): the first asks for a graceful stop, a second that comes later exits at once.
/// SIGHUP asks for a config reload.
/// </summary>
/// <remarks>
/// One request to stop often arrives as two signals at once: GNU <c>timeout</c> signals the process and then
/// its whole process group, and Ctrl-C in a terminal reaches every process of the foreground group (a wrapper
/// that forwards it sends a second copy). Taken as a second request, that pair would cut short the drain it
/// asked for and lose what is queued. So a stop signal within <see cref="SameRequestWindow"/> of the first is
/// taken as part of it; only a later one means "exit now". .NET does not say who sent a signal, so time is
/// what tells a repeated delivery from a second request.
/// </remarks>
internal sealed class ShutdownSignals : IDisposable
{
    public const int ForcedExitCode = 130;

    /// <summary>
    /// Stop signals this close to the first are the same request. Long enough for a pair sent back to back
    /// (microseconds apart, handled on their own threads even on a loaded machine), short enough that a person
    /// pressing Ctrl-C again because the drain takes long is heard.
    /// </summary>
    public static readonly TimeSpan SameRequestWindow = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];

    // The Stopwatch timestamp of the first stop signal; 0 until one came.
    private long _firstStop;

    public ShutdownSignals(Action? onReload = null)
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStop));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStop));
        if (onReload is not null)
        {
            _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                onReload();
            }));
        }
    }

    /// <summary>Cancelled by the first stop signal.</summary>
    public CancellationToken StopRequested => _stop.Token;

    private void OnStop(PosixSignalContext context)
    {
        context.Cancel = true;

        // Taken before anything else: cancelling below runs the shutdown's first steps on this thread.
        var now = Stopwatch.GetTimestamp();
        var first = Interlocked.CompareExchange(ref _firstStop, now, 0);
        if (first == 0)
        {
            Console.Error.WriteLine("Stopping: finishing the current scrape and sending what is queued (another stop signal, from a second on, exits at once).");
            _stop.Cancel();
            return;
        }

        // A signal handled on another thread may have read the clock before the first; it is the same request too.
        if (now - first < SameRequestWindow.TotalSeconds * Stopwatch.Frequency)
        {
            Console.Error.WriteLine($"Stop signal repeated within {SameRequestWindow.TotalSeconds:0.#} s of the first: taken as the same request (GNU timeout signals the process and then its group); still sending what is queued.");
            return;
        }

        Console.Error.WriteLine("Second stop signal: exiting now without waiting for queued data.");
        Environment.Exit(ForcedExitCode);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }
}
