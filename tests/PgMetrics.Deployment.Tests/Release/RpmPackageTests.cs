using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests.Release;

/// <summary>
/// The .rpm packages read with the real rpm (metadata, files, config files, scripts, digests), and the x86_64 one
/// installed, upgraded and erased in a throwaway root with its own rpm database.
/// </summary>
[Trait("Category", "ReleaseArtifacts")]
public sealed class RpmPackageTests : IDisposable
{
    private const string Edit = "\n# edited by the operator\n";
    private readonly ThrowawayRoot _root = new();
    private readonly List<string> _cleanup = [];

    public static TheoryData<string> Architectures { get; } = ["x86_64", "aarch64"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Architectures))]
    public async Task The_package_carries_the_build_s_version_its_architecture_and_intact_digests(string architecture)
    {
        var rpm = ReleaseArtifacts.Rpm(architecture);

        var header = await Run("rpm", "-qp", "--queryformat", "%{NAME} %{VERSION} %{RELEASE} %{ARCH} %{LICENSE}", rpm);
        var digests = await Run("rpm", "--checksig", "--nosignature", rpm);
        var requires = await Run("rpm", "-qp", "--requires", rpm);

        Assert.Equal($"pgmetrics {ReleaseArtifacts.PackageVersion} 1 {architecture} Apache-2.0", header);
        Assert.EndsWith("digests OK\n", digests, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^glibc >= 2\.\d+$", requires);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public async Task The_package_holds_the_binary_the_unit_the_user_and_the_config_as_config_files(string architecture)
    {
        var rpm = ReleaseArtifacts.Rpm(architecture);

        var files = (await Run("rpm", "-qp", "--queryformat", "[%{FILEMODES:perms} %{FILEUSERNAME} %{FILENAMES}\n]", rpm)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var configFiles = (await Run("rpm", "-qp", "--configfiles", rpm)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var scripts = await Run("rpm", "-qp", "--scripts", rpm);

        Assert.Contains("-rwxr-xr-x root /usr/bin/pgmetrics", files);
        Assert.Contains("-rw-r--r-- root /usr/lib/systemd/system/pgmetrics.service", files);
        Assert.Contains("-rw-r--r-- root /usr/lib/sysusers.d/pgmetrics.conf", files);
        Assert.Contains("-rw------- root /etc/pgmetrics/pgmetrics.env", files);
        Assert.Contains("drwxr-x--- pgmetrics /var/lib/pgmetrics", files);
        Assert.Equal(["/etc/pgmetrics/pgmetrics.env", "/etc/pgmetrics/pgmetrics.yaml"], configFiles.Order(StringComparer.Ordinal));
        Assert.Contains("useradd -r -g pgmetrics -d /var/lib/pgmetrics", scripts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upgrade_keeps_the_edited_config_and_erasing_saves_it_as_rpmsave()
    {
        await _root.RpmAsync("--initdb");
        await _root.RpmAsync("--install", "--nodeps", "--noscripts", ReleaseArtifacts.Rpm("x86_64"));
        var config = _root.PathOf("/etc/pgmetrics/pgmetrics.yaml");
        await File.AppendAllTextAsync(config, Edit, Cancel);
        var next = await NextVersionAsync();

        await _root.RpmAsync("--upgrade", "--nodeps", "--noscripts", next.Rpm);
        var upgraded = (await _root.RpmAsync("-q", "--queryformat", "%{VERSION}", "pgmetrics")).Output;
        var kept = await File.ReadAllTextAsync(config, Cancel);
        await _root.RpmAsync("--erase", "--nodeps", "--noscripts", "pgmetrics");

        Assert.Equal(next.Version, upgraded);
        Assert.EndsWith(Edit, kept, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_root.PathOf("/etc/pgmetrics"), "*.rpmnew"));
        Assert.False(File.Exists(_root.PathOf("/usr/bin/pgmetrics")));
        Assert.EndsWith(Edit, await File.ReadAllTextAsync(config + ".rpmsave", Cancel), StringComparison.Ordinal);
    }

    /// <summary>The x86_64 RPM rebuilt by rpmbuild from the release's own spec and files with its version raised.</summary>
    private async Task<(string Rpm, string Version)> NextVersionAsync()
    {
        var work = ReleaseArtifacts.RpmWork("amd64");
        var top = Directory.CreateTempSubdirectory("pgmetrics-next-rpm-").FullName;
        _cleanup.Add(top);
        var version = ReleaseArtifacts.PackageVersion + ".1";
        var spec = Path.Combine(top, "pgmetrics.spec");
        await File.WriteAllTextAsync(spec, (await File.ReadAllTextAsync(Path.Combine(work, "pgmetrics.spec"), Cancel))
            .Replace($"Version:        {ReleaseArtifacts.PackageVersion}\n", $"Version:        {version}\n", StringComparison.Ordinal), Cancel);
        await Run("rpmbuild", "-bb", "--quiet", "--target", "x86_64", "--define", "_topdir " + top, "--define", "staging " + Path.Combine(work, "root"), spec);
        return (Path.Combine(top, "RPMS", "x86_64", $"pgmetrics-{version}-1.x86_64.rpm"), version);
    }

    private static async Task<string> Run(string tool, params string[] arguments)
    {
        var result = await Command.RunAsync(tool, arguments);
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', arguments)}: {result}");
        return result.Output;
    }

    public void Dispose()
    {
        _root.Dispose();
        foreach (var folder in _cleanup)
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
