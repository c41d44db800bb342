using System.Diagnostics;
using PgMetrics.Tests.Shared;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>A collector process left running, to signal it and read what it printed so far.</summary>
public sealed class RunningCollector : CapturedProcess
{
    private RunningCollector(Process process)
        : base(process)
    {
    }

    public int Pid => Process.Id;

    public static RunningCollector Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = CollectorProcess.StartInfo(arguments, environment);
        return new RunningCollector(Process.Start(start)!);
    }

    /// <summary>
    /// Starts the collector under <paramref name="wrapper"/> (e.g. GNU <c>timeout</c>), which runs it as
    /// <c>wrapper wrapperArguments... dotnet pgmetrics.dll arguments...</c>; <see cref="Pid"/> and signals are the wrapper's.
    /// </summary>
    public static RunningCollector StartUnder(string wrapper, IEnumerable<string> wrapperArguments, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = CollectorProcess.StartInfo(arguments, environment);
        var collector = start.ArgumentList.ToList();
        start.FileName = wrapper;
        start.ArgumentList.Clear();
        foreach (var argument in wrapperArguments.Append("dotnet").Concat(collector))
        {
            start.ArgumentList.Add(argument);
        }

        return new RunningCollector(Process.Start(start)!);
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout, int occurrences = 1)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (CountOf(text) < occurrences)
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{text}' did not appear {occurrences} times within {timeout.TotalSeconds} s; output:\n{Output}");
            if (Process.HasExited)
            {
                Process.WaitForExit();
                Assert.Fail($"the collector exited ({Process.ExitCode}) while waiting for '{text}':\n{Output}");
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
}
