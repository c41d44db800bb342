using System.Runtime.InteropServices;

namespace PgMetrics.Collector.Hosting;

/// <summary>
/// SIGTERM and SIGINT (Ctrl-C): the first asks for a graceful stop, a second exits at once.
/// SIGHUP asks for a config reload.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    public const int ForcedExitCode = 130;

    private readonly CancellationTokenSource _stop = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _stopSignals;

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
        if (Interlocked.Increment(ref _stopSignals) > 1)
        {
            Console.Error.WriteLine("Second stop signal: exiting now without waiting for queued data.");
            Environment.Exit(ForcedExitCode);
        }

        Console.Error.WriteLine("Stopping: finishing the current scrape and sending what is queued (a second signal exits at once).");
        _stop.Cancel();
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
