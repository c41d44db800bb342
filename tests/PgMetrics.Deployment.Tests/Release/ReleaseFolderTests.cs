using System.Text.Json;
using System.Xml.Linq;
using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests.Release;

/// <summary>What artifacts/release/ holds as a whole: every artifact docs/install.md names, SHA256SUMS over all of
/// them (checked by sha256sum itself), and CycloneDX SBOMs whose components are the packages the build used.</summary>
[Trait("Category", "ReleaseArtifacts")]
public sealed class ReleaseFolderTests
{
    [Fact]
    public void Every_artifact_docs_install_md_names_is_there_for_both_architectures()
    {
        var version = Repository.Version;
        string[] expected =
        [
            $"pgmetrics-{version}-linux-x64.tar.gz", $"pgmetrics-{version}-linux-arm64.tar.gz",
            $"pgmetrics_{ReleaseArtifacts.PackageVersion}_amd64.deb", $"pgmetrics_{ReleaseArtifacts.PackageVersion}_arm64.deb",
            $"pgmetrics-{ReleaseArtifacts.PackageVersion}-1.x86_64.rpm", $"pgmetrics-{ReleaseArtifacts.PackageVersion}-1.aarch64.rpm",
            $"pgmetrics-{version}-image.oci.tar", $"pgmetrics-{version}.tgz",
            $"pgmetrics-{version}-linux-x64.cdx.json", $"pgmetrics-{version}-linux-arm64.cdx.json",
            .. new[] { "PgMetrics.Runtime", "PgMetrics.Exporter.Otlp", "PgMetrics.Hosting", "PgMetrics.OpenTelemetry" }
                .SelectMany(p => new[] { $"{p}.{version}.nupkg", $"{p}.{version}.snupkg", $"{p}.{version}.cdx.json" }),
            "SHA256SUMS",
        ];

        var present = Directory.GetFiles(ReleaseArtifacts.Folder).Select(Path.GetFileName).ToHashSet();

        Assert.All(expected, name => Assert.Contains(name, present));
    }

    [Fact]
    public async Task SHA256SUMS_covers_every_artifact_and_sha256sum_agrees_with_it()
    {
        var sums = ReleaseArtifacts.File("SHA256SUMS");
        var listed = File.ReadAllLines(sums).Select(l => l[66..]).ToList();

        var check = await Command.RunAsync("sha256sum", ["--check", "--strict", "SHA256SUMS"], workingDirectory: ReleaseArtifacts.Folder);

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Equal(Directory.GetFiles(ReleaseArtifacts.Folder).Select(Path.GetFileName).Where(n => n != "SHA256SUMS").Order(StringComparer.Ordinal), listed);
    }

    [Theory]
    [InlineData("linux-x64")]
    [InlineData("linux-arm64")]
    public void The_binary_s_SBOM_lists_the_packages_it_was_built_from_at_their_pinned_versions(string rid)
    {
        using var sbom = JsonDocument.Parse(File.ReadAllBytes(ReleaseArtifacts.File($"pgmetrics-{Repository.Version}-{rid}.cdx.json")));
        var root = sbom.RootElement;
        var components = root.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("version").GetString()!);
        var pinned = XDocument.Load(Repository.PathOf("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => p.Attribute("Include")!.Value, p => p.Attribute("Version")!.Value);

        Assert.Equal("CycloneDX", root.GetProperty("bomFormat").GetString());
        Assert.Equal("pgmetrics", root.GetProperty("metadata").GetProperty("component").GetProperty("name").GetString());
        Assert.Equal(Repository.Version, root.GetProperty("metadata").GetProperty("component").GetProperty("version").GetString());
        Assert.All(new[] { "Npgsql", "YamlDotNet", "System.CommandLine", "Spectre.Console", "KubernetesClient.Aot" }, name => Assert.Equal(pinned[name], components[name]));
        Assert.All(root.GetProperty("components").EnumerateArray(), c => Assert.StartsWith("pkg:nuget/", c.GetProperty("purl").GetString(), StringComparison.Ordinal));
    }
}
