using System.Diagnostics;
using PgMetrics.TestPostgres;

namespace PgMetrics.Package.Tests;

/// <summary>
/// One of the repository's samples (samples/&lt;name&gt;), built from the packed packages, with everything it
/// writes (obj, bin, restored packages) in a temp folder, and run as its own process.
/// </summary>
internal sealed class SampleApp : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pgmetrics-sample-").FullName;

    private SampleApp(string name)
    {
        Name = name;
        Project = Path.Combine(RepositoryPaths.Root, "samples", name, name + ".csproj");
    }

    public string Name { get; }

    public string Project { get; }

    private string Dll => Path.Combine(_directory, "artifacts", "bin", Name, "release", Name + ".dll");

    /// <summary>Builds the sample; fails the test with the build output when the build fails.</summary>
    public static async Task<SampleApp> BuildAsync(string name, CancellationToken cancellationToken)
    {
        var sample = new SampleApp(name);
        _ = LocalPackages.Version("PgMetrics.Hosting");
        var config = LocalPackages.WriteNuGetConfig(sample._directory);
        var start = Dotnet("build", sample.Project, "-c", "Release", "--nologo", "-v", "q",
            "--artifacts-path", Path.Combine(sample._directory, "artifacts"),
            "-p:RestoreConfigFile=" + config,
            "-p:RestorePackagesPath=" + Path.Combine(sample._directory, ".packages"),
            // Auditing asks nuget.org for vulnerability data; when the feed does not answer, NU1900 would fail the build for a reason that is not the package's.
            "-p:NuGetAudit=false");
        using var build = Process.Start(start)!;
        var output = build.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = build.StandardError.ReadToEndAsync(cancellationToken);
        await build.WaitForExitAsync(cancellationToken);
        Assert.True(build.ExitCode == 0, $"building {name} from the packages failed:\n{await output}{await errors}");
        return sample;
    }

    /// <summary>Starts the built sample with <paramref name="environment"/> added to this process's.</summary>
    public AppProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var start = Dotnet(Dll);
        start.WorkingDirectory = Path.GetDirectoryName(Dll)!;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new AppProcess(Process.Start(start)!);
    }

    private static ProcessStartInfo Dotnet(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("NUGET_PACKAGES");
        return start;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Leftovers in the temp folder must not fail the test.
        }
    }
}
