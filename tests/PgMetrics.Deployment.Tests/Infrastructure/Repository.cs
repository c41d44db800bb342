using System.Diagnostics;
using PgMetrics.TestPostgres;

namespace PgMetrics.Deployment.Tests.Infrastructure;

/// <summary>Paths of the repository and of what the build installs or produces there.</summary>
public static class Repository
{
    public static string Root { get; } = RepositoryPaths.Root;

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>The collector from this build's output, run with dotnet as the integration tests run it.</summary>
    public static string CollectorDll { get; } = Path.Combine(Root, "PgMetrics.Collector", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "pgmetrics.dll");

    /// <summary>
    /// The version every artifact carries: the one MinVer gave this build (from the git tags), read from the
    /// collector's informational version without the "+commit" the SDK appends.
    /// </summary>
    public static string Version { get; } = FileVersionInfo.GetVersionInfo(CollectorDll).ProductVersion!.Split('+')[0];

    /// <summary>A tool that ./build.sh --target=KubernetesTools installs into tools/kubernetes/.</summary>
    public static string KubernetesTool(string relative)
    {
        var path = PathOf(Path.Combine("tools", "kubernetes", relative));
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: run ./build.sh --target=KubernetesTools (the Test target does).");
        }

        return path;
    }
}
