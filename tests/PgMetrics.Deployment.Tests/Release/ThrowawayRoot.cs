using PgMetrics.Deployment.Tests.Infrastructure;

namespace PgMetrics.Deployment.Tests.Release;

/// <summary>
/// An empty root file system in a temp folder that packages are installed into with the real dpkg and rpm:
/// dpkg with --root and the maintainer scripts run outside a chroot (they honour DPKG_ROOT), rpm with --root and
/// its own database. Nothing reaches the machine's own package databases.
/// </summary>
public sealed class ThrowawayRoot : IDisposable
{
    public ThrowawayRoot()
    {
        Path = Directory.CreateTempSubdirectory("pgmetrics-root-").FullName;
        foreach (var folder in new[] { "etc", "var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/rpm" })
        {
            Directory.CreateDirectory(PathOf(folder));
        }

        File.WriteAllText(PathOf("var/lib/dpkg/status"), string.Empty);
    }

    public string Path { get; }

    public string PathOf(string absolute) => System.IO.Path.Combine(Path, absolute.TrimStart('/'));

    /// <summary>
    /// dpkg on this root. The libraries the package depends on are not in this root's database, so dependencies
    /// are forced; a conffile question is not, so one would fail the run instead of waiting for an answer.
    /// </summary>
    public async Task<Command.Result> DpkgAsync(params string[] arguments)
    {
        var result = await Command.RunAsync("dpkg", ["--root=" + Path, "--force-script-chrootless", "--force-depends", "--log=/dev/null", .. arguments]);
        Assert.True(result.ExitCode == 0, $"dpkg {string.Join(' ', arguments)}: {result}");
        return result;
    }

    /// <summary>rpm on this root's own database; scripts and dependencies are left out (the root has no shell or glibc).</summary>
    public async Task<Command.Result> RpmAsync(params string[] arguments)
    {
        var result = await Command.RunAsync("rpm", ["--root", Path, "--dbpath", "/var/lib/rpm", .. arguments]);
        Assert.True(result.ExitCode == 0, $"rpm {string.Join(' ', arguments)}: {result}");
        return result;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
