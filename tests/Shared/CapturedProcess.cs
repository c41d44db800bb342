using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace PgMetrics.Tests.Shared;

/// <summary>
/// A process a test leaves running (the collector, a sample app): its stdout and stderr so far, POSIX
/// signals, its exit. Linked into each test project that starts one.
/// </summary>
public abstract class CapturedProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private int _disposed;

    /// <summary>Starts capturing what <paramref name="process"/> prints.</summary>
    protected CapturedProcess(Process process)
    {
        Process = process;
        Process.OutputDataReceived += (_, e) => Append(e.Data);
        Process.ErrorDataReceived += (_, e) => Append(e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    /// <summary>stdout and stderr so far, interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => Process.HasExited;

    protected Process Process { get; }

    /// <summary>Sends a POSIX signal (TERM, INT, HUP) to the process.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, Process.Id.ToString(CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the process to exit; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await Process.WaitForExitAsync(cancel.Token);
        Process.WaitForExit();
        return Process.ExitCode;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>Kills what still runs; a test may stop the process before the end of its scope, which disposes it again.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
        GC.SuppressFinalize(this);
    }
}
