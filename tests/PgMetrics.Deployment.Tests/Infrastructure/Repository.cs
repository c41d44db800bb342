using System.Xml.Linq;
using PgMetrics.TestPostgres;

namespace PgMetrics.Deployment.Tests.Infrastructure;

/// <summary>Paths of the repository and of what the build installs or produces there.</summary>
public static class Repository
{
    public static string Root { get; } = RepositoryPaths.Root;

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>The version every artifact carries: Directory.Build.props' &lt;Version&gt;.</summary>
    public static string Version { get; } = XDocument.Load(PathOf("Directory.Build.props")).Descendants("Version").Single().Value;

    /// <summary>The collector from this build's output, run with dotnet as the integration tests run it.</summary>
    public static string CollectorDll { get; } = Path.Combine(Root, "PgMetrics.Collector", "bin",
        new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "pgmetrics.dll");

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
