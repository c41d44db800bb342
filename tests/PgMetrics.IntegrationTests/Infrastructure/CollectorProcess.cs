using System.Diagnostics;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>Runs the real collector binary, from the collector's own build output, as users run it.</summary>
public static class CollectorProcess
{
    // Not the copy beside the tests: the test output also holds the ASP.NET shared framework's
    // assemblies (for the OTLP stand-in), which the collector's deps.json does not expect.
    public static readonly string Binary = Path.Combine(
        PgMetrics.TestPostgres.RepositoryPaths.Root, "PgMetrics.Collector", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "pgmetrics.dll");

    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Process.Start(StartInfo(arguments, environment))!;
        var cancel = TestContext.Current.CancellationToken;
        var output = process.StandardOutput.ReadToEndAsync(cancel);
        var errors = process.StandardError.ReadToEndAsync(cancel);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Binary);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The machine's own key must not leak into a test that expects console output only.
        start.Environment.Remove("NEW_RELIC_LICENSE_KEY");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }
}
