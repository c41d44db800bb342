using System.Diagnostics;

namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>Files that Debian packages ship as examples, found where dpkg installed them (<c>./build.sh --target=Test</c> installs the packages).</summary>
public static class DebianExamples
{
    /// <summary>The queries file of Debian's prometheus-postgres-exporter package: its examples/queries.yaml.</summary>
    public static string PostgresExporterQueries() => Find("prometheus-postgres-exporter", "/examples/queries.yaml");

    private static string Find(string package, string suffix)
    {
        var start = new ProcessStartInfo("dpkg", ["-L", package]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var dpkg = Process.Start(start)!;
        var files = dpkg.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        dpkg.WaitForExit();
        var file = files.FirstOrDefault(f => f.EndsWith(suffix, StringComparison.Ordinal));
        Assert.True(dpkg.ExitCode == 0 && file is not null && File.Exists(file), $"the Debian package {package} is not installed, or dpkg left out its /usr/share/doc (apt-get install {package}; ./build.sh --target=Test installs it)");
        return file!;
    }
}
