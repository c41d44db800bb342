using System.Diagnostics;
using PgMetrics.Tests.Shared;

namespace PgMetrics.Package.Tests;

/// <summary>A sample app left running: its output so far, a POSIX signal to stop it, and its exit.</summary>
internal sealed class AppProcess(Process process) : CapturedProcess(process)
{
    /// <summary>Sends SIGTERM, as a container runtime or systemd does, and waits for the app to exit.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        await SignalAsync("TERM");
        return await WaitForExitAsync(timeout);
    }
}
