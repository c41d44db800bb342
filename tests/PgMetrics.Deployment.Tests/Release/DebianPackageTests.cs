using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests.Release;

/// <summary>
/// The .deb packages: their metadata and files, and the amd64 one installed, upgraded, removed and purged in a
/// throwaway root with the real dpkg (maintainer scripts included), and its systemd unit checked by systemd.
/// </summary>
[Trait("Category", "ReleaseArtifacts")]
public sealed class DebianPackageTests : IDisposable
{
    private const string Edit = "\n# edited by the operator\n";
    private readonly ThrowawayRoot _root = new();

    public static TheoryData<string> Architectures { get; } = ["amd64", "arm64"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Architectures))]
    public async Task The_package_carries_the_build_s_version_its_architecture_and_the_glibc_its_binary_needs(string architecture)
    {
        var fields = await Run("dpkg-deb", "--field", ReleaseArtifacts.Deb(architecture), "Package", "Version", "Architecture", "Depends");

        Assert.Contains("Package: pgmetrics\n", fields, StringComparison.Ordinal);
        Assert.Contains($"Version: {ReleaseArtifacts.PackageVersion}\n", fields, StringComparison.Ordinal);
        Assert.Contains($"Architecture: {architecture}\n", fields, StringComparison.Ordinal);
        Assert.Matches(@"Depends: libc6 \(>= 2\.\d+\), libssl3 \| libssl3t64, ca-certificates", fields);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public async Task The_package_holds_the_binary_the_unit_the_user_and_the_config_as_conffiles(string architecture)
    {
        var deb = ReleaseArtifacts.Deb(architecture);

        var contents = await Run("dpkg-deb", "--contents", deb);
        var conffiles = await Run("dpkg-deb", "--info", deb, "conffiles");

        Assert.Matches(@"-rwxr-xr-x root/root .* \./usr/bin/pgmetrics\n", contents);
        Assert.Matches(@"-rw-r--r-- root/root .* \./lib/systemd/system/pgmetrics\.service\n", contents);
        Assert.Matches(@"-rw-r--r-- root/root .* \./usr/lib/sysusers\.d/pgmetrics\.conf\n", contents);
        Assert.Matches(@"-rw-r--r-- root/root .* \./etc/pgmetrics/pgmetrics\.yaml\n", contents);
        // The secrets' file: readable by root (systemd reads it before dropping privileges) and nobody else.
        Assert.Matches(@"-rw------- root/root .* \./etc/pgmetrics/pgmetrics\.env\n", contents);
        Assert.Equal(["/etc/pgmetrics/pgmetrics.yaml", "/etc/pgmetrics/pgmetrics.env"], conffiles.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Installing_makes_the_service_user_and_lays_out_the_release_binary()
    {
        await _root.DpkgAsync("--install", ReleaseArtifacts.Deb("amd64"));

        Assert.Contains("pgmetrics:x:", await File.ReadAllTextAsync(_root.PathOf("/etc/passwd"), Cancel), StringComparison.Ordinal);
        Assert.Matches(@"(?m)^pgmetrics:x:\d+:\d+:PgMetrics collector:/var/lib/pgmetrics:/usr/sbin/nologin$", await File.ReadAllTextAsync(_root.PathOf("/etc/passwd"), Cancel));
        Assert.Equal(await File.ReadAllBytesAsync(ReleaseArtifacts.Binary("linux-x64"), Cancel), await File.ReadAllBytesAsync(_root.PathOf("/usr/bin/pgmetrics"), Cancel));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_root.PathOf("/etc/pgmetrics/pgmetrics.env")));
        Assert.Contains($"Version: {ReleaseArtifacts.PackageVersion}", (await _root.DpkgAsync("--status", "pgmetrics")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_keeps_the_edited_config_a_reinstall_takes_it_back_and_purging_deletes_it()
    {
        var deb = ReleaseArtifacts.Deb("amd64");
        await _root.DpkgAsync("--install", deb);
        var config = _root.PathOf("/etc/pgmetrics/pgmetrics.yaml");
        await File.AppendAllTextAsync(config, Edit, Cancel);

        await _root.DpkgAsync("--remove", "pgmetrics");
        var removed = (File.Exists(_root.PathOf("/usr/bin/pgmetrics")), await File.ReadAllTextAsync(config, Cancel));
        await _root.DpkgAsync("--install", deb);
        var reinstalled = await File.ReadAllTextAsync(config, Cancel);
        await _root.DpkgAsync("--purge", "pgmetrics");

        Assert.False(removed.Item1);
        Assert.EndsWith(Edit, removed.Item2, StringComparison.Ordinal);
        Assert.EndsWith(Edit, reinstalled, StringComparison.Ordinal);
        Assert.False(File.Exists(config));
        Assert.False(File.Exists(_root.PathOf("/usr/bin/pgmetrics")));
    }

    [Fact]
    public async Task An_upgrade_keeps_the_edited_config_and_secrets_without_asking()
    {
        await _root.DpkgAsync("--install", ReleaseArtifacts.Deb("amd64"));
        await File.AppendAllTextAsync(_root.PathOf("/etc/pgmetrics/pgmetrics.yaml"), Edit, Cancel);
        await File.AppendAllTextAsync(_root.PathOf("/etc/pgmetrics/pgmetrics.env"), "NEW_RELIC_LICENSE_KEY=nr-upgrade-test\n", Cancel);
        var next = await NextVersionAsync();

        await _root.DpkgAsync("--install", next.Deb);

        Assert.Contains($"Version: {next.Version}", (await _root.DpkgAsync("--status", "pgmetrics")).Output, StringComparison.Ordinal);
        Assert.EndsWith(Edit, await File.ReadAllTextAsync(_root.PathOf("/etc/pgmetrics/pgmetrics.yaml"), Cancel), StringComparison.Ordinal);
        Assert.EndsWith("NEW_RELIC_LICENSE_KEY=nr-upgrade-test\n", await File.ReadAllTextAsync(_root.PathOf("/etc/pgmetrics/pgmetrics.env"), Cancel), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_root.PathOf("/etc/pgmetrics"), "*.dpkg-*"));
    }

    [Fact]
    public async Task The_installed_unit_passes_systemd_analyze_verify_and_its_security_rating_is_OK()
    {
        await _root.DpkgAsync("--install", ReleaseArtifacts.Deb("amd64"));
        // What systemd loads beside the unit: its own targets (sysinit.target, ...) and the command ExecReload names.
        var units = _root.PathOf("/usr/lib/systemd/system");
        Directory.CreateDirectory(units);
        var copied = await Command.RunAsync("cp", ["-a", "/lib/systemd/system/.", units]);
        Assert.True(copied.ExitCode == 0, copied.ToString());
        Directory.CreateDirectory(_root.PathOf("/bin"));
        File.Copy("/bin/kill", _root.PathOf("/bin/kill"));

        var verify = await Command.RunAsync("systemd-analyze", ["verify", "--root=" + _root.Path, "pgmetrics.service"]);
        var security = await Command.RunAsync("systemd-analyze", ["security", "--offline=true", "--root=" + _root.Path, "--threshold=20", "--no-pager", "pgmetrics.service"]);

        Assert.True(verify.ExitCode == 0 && verify.Output.Length == 0 && verify.Errors.Length == 0, verify.ToString());
        Assert.True(security.ExitCode == 0, security.ToString());
        // systemd's scale: 0-10, where "OK" ends below 5 (MEDIUM), and the default Debian services sit around 9.6 (UNSAFE).
        var rating = System.Text.RegularExpressions.Regex.Match(security.Output, @"Overall exposure level for pgmetrics\.service: (\d+\.\d) (\w+)");
        Assert.True(rating.Success, security.ToString());
        Assert.InRange(double.Parse(rating.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 0.0, 2.0);
        Assert.Equal("OK", rating.Groups[2].Value);
    }

    /// <summary>The amd64 package with its version raised (unpacked and rebuilt by dpkg-deb), as the next release would be.</summary>
    private async Task<(string Deb, string Version)> NextVersionAsync()
    {
        var work = Directory.CreateTempSubdirectory("pgmetrics-next-deb-").FullName;
        var tree = Path.Combine(work, "tree");
        await Run("dpkg-deb", "--raw-extract", ReleaseArtifacts.Deb("amd64"), tree);
        var version = ReleaseArtifacts.PackageVersion + ".1";
        var control = Path.Combine(tree, "DEBIAN", "control");
        await File.WriteAllTextAsync(control, (await File.ReadAllTextAsync(control, Cancel)).Replace($"Version: {ReleaseArtifacts.PackageVersion}\n", $"Version: {version}\n", StringComparison.Ordinal), Cancel);
        var deb = Path.Combine(work, "next.deb");
        await Run("dpkg-deb", "--root-owner-group", "--build", tree, deb);
        _cleanup.Add(work);
        return (deb, version);
    }

    private readonly List<string> _cleanup = [];

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
