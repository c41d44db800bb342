using System.Diagnostics;

namespace PgMetrics.TestPostgres;

/// <summary>Runs helper commands (initdb, chown, cp), as the unprivileged postgres user when the tests run as root.</summary>
internal static class ProcessRunner
{
    public const string PostgresUser = "postgres";

    public static bool IsRoot { get; } = OperatingSystem.IsLinux() && NativeMethods.GetEffectiveUserId() == 0;

    /// <summary>A start info that runs <paramref name="fileName"/> as the postgres user when we are root (initdb and postgres refuse root).</summary>
    public static ProcessStartInfo Unprivileged(string fileName, IEnumerable<string> arguments)
    {
        var start = IsRoot ? new ProcessStartInfo("runuser") : new ProcessStartInfo(fileName);
        if (IsRoot)
        {
            foreach (var prefix in new[] { "-u", PostgresUser, "--", fileName })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return start;
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start, CancellationToken cancellationToken)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await errors);
    }

    public static async Task RunCheckedAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var (exitCode, output) = await RunAsync(start, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed with exit code {exitCode}: {output}");
        }
    }
}
