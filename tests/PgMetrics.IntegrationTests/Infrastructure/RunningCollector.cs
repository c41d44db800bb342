using System.Diagnostics;
using System.Text;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>A collector process left running, to signal it and read what it printed so far.</summary>
public sealed class RunningCollector : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RunningCollector(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
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

    public int Pid => _process.Id;

    private int _disposed;

    public static RunningCollector Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = CollectorProcess.StartInfo(arguments, environment);
        return new RunningCollector(Process.Start(start)!);
    }

    /// <summary>Sends a POSIX signal (TERM, INT, HUP) to the collector.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout, int occurrences = 1)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (CountOf(text) < occurrences)
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{text}' did not appear {occurrences} times within {timeout.TotalSeconds} s; output:\n{Output}");
            if (_process.HasExited)
            {
                _process.WaitForExit();
                Assert.Fail($"the collector exited ({_process.ExitCode}) while waiting for '{text}':\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    public int CountOf(string text)
    {
        var output = Output;
        var count = 0;
        for (var index = output.IndexOf(text, StringComparison.Ordinal); index >= 0; index = output.IndexOf(text, index + text.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
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

    public async ValueTask DisposeAsync()
    {
        // A test may stop the collector before the end of its scope, which disposes it again.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
