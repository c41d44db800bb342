using PgMetrics.Deployment.Tests.Infrastructure;
using PgMetrics.TestPostgres;

namespace PgMetrics.Deployment.Tests.Release;

/// <summary>
/// The release's NativeAOT binaries: linux-x64 run here, linux-arm64 (cross-compiled on this x64 machine) run
/// under qemu-user with Debian's arm64 C library (libc6-arm64-cross, -L /usr/aarch64-linux-gnu): the version and
/// commit, a config validated, and a scrape of a real throwaway PostgreSQL on loopback.
/// </summary>
[Trait("Category", "ReleaseArtifacts")]
public sealed class ReleaseBinaryTests(PostgresServerPool servers) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pgmetrics-release-binary-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string> Runtimes { get; } = ["linux-x64", "linux-arm64"];

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task The_binary_prints_this_build_s_version_and_the_commit_of_HEAD(string rid)
    {
        var head = (await Command.RunAsync("git", ["-C", Repository.Root, "rev-parse", "HEAD"])).Output.Trim();

        var result = await RunAsync(rid, "--version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"{Repository.Version}+{head}", result.Output.Trim());
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task The_binary_is_built_for_its_architecture(string rid)
    {
        var result = await Command.RunAsync("file", ["--brief", "--dereference", ReleaseArtifacts.Binary(rid)]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(rid == "linux-arm64" ? "ARM aarch64" : "x86-64", result.Output, StringComparison.Ordinal);
        Assert.Contains("ELF 64-bit LSB", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task The_binary_validates_the_config_the_packages_install(string rid)
    {
        var result = await RunAsync(rid, new Dictionary<string, string> { ["NEW_RELIC_LICENSE_KEY"] = "nr-release-test-key", ["PGMETRICS_PASSWORD"] = "release-test-password" },
            "validate", "--config", Repository.PathOf("deploy/pgmetrics.example.yaml"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("valid; receivers: postgresql", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("nr-release-test-key", result.Output + result.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Runtimes))]
    public async Task Once_scrapes_a_throwaway_server(string rid)
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        var config = WriteConfig(server);

        var result = await RunAsync(rid, "once", "--config", config, "--format", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"postgresql.db_size\"", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"postgresql.backends\"", result.Output, StringComparison.Ordinal);
    }

    private static Task<Command.Result> RunAsync(string rid, params string[] arguments) => RunAsync(rid, new Dictionary<string, string>(), arguments);

    /// <summary>Runs the release binary of <paramref name="rid"/>: natively, or under qemu-aarch64 for arm64.</summary>
    private static Task<Command.Result> RunAsync(string rid, Dictionary<string, string> environment, params string[] arguments)
    {
        var binary = ReleaseArtifacts.Binary(rid);
        return rid == "linux-arm64"
            ? Command.RunAsync(Qemu, ["-L", "/usr/aarch64-linux-gnu", binary, .. arguments], environment, timeout: TimeSpan.FromMinutes(3))
            : Command.RunAsync(binary, arguments, environment);
    }

    /// <summary>Debian's qemu-user-static, which the ReleaseTools build target installs.</summary>
    public static string Qemu => File.Exists("/usr/bin/qemu-aarch64-static")
        ? "/usr/bin/qemu-aarch64-static"
        : throw new InvalidOperationException("/usr/bin/qemu-aarch64-static is missing: run ./build.sh --target=ReleaseTools (as root; the Test target does).");

    private string WriteConfig(IPostgresServer server)
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(server.ConnectionString);
        var path = Path.Combine(_folder, "pgmetrics.yaml");
        File.WriteAllText(path, $$"""
            receivers:
              postgresql:
                endpoint: 127.0.0.1:{{connection.Port}}
                username: {{connection.Username}}
                databases: [postgres]
                tls: {insecure: true}
            exporters:
              console: {}
            service:
              exporters: [console]
            """);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
