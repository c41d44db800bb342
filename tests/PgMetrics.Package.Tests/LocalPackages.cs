using PgMetrics.TestPostgres;

namespace PgMetrics.Package.Tests;

/// <summary>
/// The packed PgMetrics packages (the Pack build target's artifacts/packages), and a nuget.config that takes
/// them from there like a user's feed: a package folder of its own, so a re-packed 0.1.0 is never served from
/// a stale cache; the machine's folder is a fallback for everything else, so nothing is downloaded twice.
/// </summary>
internal static class LocalPackages
{
    public static string Folder { get; } = Path.Combine(RepositoryPaths.Root, "artifacts", "packages");

    /// <summary>The version of the packed <paramref name="id"/>; fails when the packages were not packed.</summary>
    public static string Version(string id)
    {
        var package = Directory.Exists(Folder) ? Directory.GetFiles(Folder, id + ".*.nupkg").SingleOrDefault(p => !p.EndsWith(".snupkg", StringComparison.Ordinal) && char.IsAsciiDigit(Path.GetFileName(p)[id.Length + 1])) : null;
        return package is null
            ? throw new InvalidOperationException($"No {id} package in {Folder}: run ./build.sh --target=Pack first.")
            : Path.GetFileNameWithoutExtension(package)[(id.Length + 1)..];
    }

    /// <summary>Writes a nuget.config into <paramref name="directory"/> whose packages go to <c>.packages</c> there.</summary>
    public static string WriteNuGetConfig(string directory)
    {
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(directory, "nuget.config");
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(directory, ".packages")}" /></config>
              <fallbackPackageFolders><add key="machine" value="{globalPackages}" /></fallbackPackageFolders>
              <packageSources>
                <clear />
                <add key="local" value="{Folder}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="PgMetrics.*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
        return path;
    }
}
