using System.Text.Json;
using PgMetrics.Deployment.Tests.Infrastructure;
using PgMetrics.TestPostgres;

namespace PgMetrics.Deployment.Tests.Release;

/// <summary>
/// The release's image archive: an OCI image index of an amd64 and an arm64 image with the OCI annotations, and
/// the arm64 image's own root file system run as the x64 one is in ImageRunTests, under qemu-aarch64 with that
/// root as its library prefix (-L), so the loader, glibc and every library come from the image, not the host.
/// </summary>
[Trait("Category", "ReleaseArtifacts")]
public sealed class ReleaseImageTests(PostgresServerPool servers) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("pgmetrics-release-image-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Archive => ReleaseArtifacts.File($"pgmetrics-{Repository.Version}-image.oci.tar");

    [Fact]
    public async Task The_archive_is_an_index_of_an_amd64_and_an_arm64_image_annotated_with_version_revision_source_and_licence()
    {
        var layout = await UnpackLayoutAsync();
        var head = (await Command.RunAsync("git", ["-C", Repository.Root, "rev-parse", "HEAD"])).Output.Trim();

        var top = ReadJson(layout, "index.json");
        var reference = Assert.Single(top.GetProperty("manifests").EnumerateArray());
        var index = ReadJson(layout, Blob(reference));
        var annotations = index.GetProperty("annotations");
        var platforms = index.GetProperty("manifests").EnumerateArray().Select(m => m.GetProperty("platform").GetProperty("architecture").GetString()).ToList();

        Assert.Equal("application/vnd.oci.image.index.v1+json", reference.GetProperty("mediaType").GetString());
        Assert.Equal(Repository.Version, reference.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());
        Assert.Equal(["amd64", "arm64"], platforms);
        Assert.Equal(Repository.Version, annotations.GetProperty("org.opencontainers.image.version").GetString());
        Assert.Equal(head, annotations.GetProperty("org.opencontainers.image.revision").GetString());
        Assert.Equal("Apache-2.0", annotations.GetProperty("org.opencontainers.image.licenses").GetString());
        Assert.False(string.IsNullOrEmpty(annotations.GetProperty("org.opencontainers.image.source").GetString()));
        foreach (var manifest in index.GetProperty("manifests").EnumerateArray())
        {
            var config = ReadJson(layout, Blob(ReadJson(layout, Blob(manifest)).GetProperty("config")));
            Assert.Equal(manifest.GetProperty("platform").GetProperty("architecture").GetString(), config.GetProperty("architecture").GetString());
            Assert.Equal(Repository.Version, config.GetProperty("config").GetProperty("Labels").GetProperty("org.opencontainers.image.version").GetString());
            Assert.Equal(head, config.GetProperty("config").GetProperty("Labels").GetProperty("org.opencontainers.image.revision").GetString());
        }
    }

    [Fact]
    public async Task The_arm64_image_prints_the_version_it_is_labelled_with()
    {
        var (root, labels) = await Arm64RootAsync();

        var result = await RunAsync(root, [], "--version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"{labels.GetProperty("org.opencontainers.image.version").GetString()}+{labels.GetProperty("org.opencontainers.image.revision").GetString()}", result.Output.Trim());
    }

    [Fact]
    public async Task The_arm64_image_validates_the_config_the_Kubernetes_manifests_mount()
    {
        var (root, _) = await Arm64RootAsync();

        var result = await RunAsync(root, new() { ["NEW_RELIC_LICENSE_KEY"] = "nr-arm64-image-key", ["PGMETRICS_PASSWORD"] = "arm64-image-password" },
            "validate", "--config", Repository.PathOf("deploy/kubernetes/pgmetrics.yaml"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("valid; receivers: postgresql; exporters: newrelic", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_in_the_arm64_image_scrapes_a_throwaway_server_and_loads_nothing_missing()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        var (root, _) = await Arm64RootAsync();
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(server.ConnectionString);
        var config = Path.Combine(_folder, "pgmetrics.yaml");
        await File.WriteAllTextAsync(config, $$"""
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
            """, Cancel);

        var result = await RunAsync(root, [], "once", "--config", config, "--format", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"postgresql.db_size\"", result.Output, StringComparison.Ordinal);
        // GSSAPI is loaded on every connection: a library missing from the image would be a loader message here.
        Assert.DoesNotContain("cannot open shared object file", result.Errors, StringComparison.Ordinal);
    }

    private static Task<Command.Result> RunAsync(string root, Dictionary<string, string> environment, params string[] arguments)
        => Command.RunAsync(ReleaseBinaryTests.Qemu, ["-L", root, Path.Combine(root, "usr/bin/pgmetrics"), .. arguments], environment, timeout: TimeSpan.FromMinutes(3));

    private async Task<string> UnpackLayoutAsync()
    {
        var layout = Path.Combine(_folder, "oci");
        Directory.CreateDirectory(layout);
        var result = await Command.RunAsync("tar", ["-xf", Archive, "-C", layout]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return layout;
    }

    /// <summary>The arm64 image's layers applied in order into one root file system, and its labels.</summary>
    private async Task<(string Root, JsonElement Labels)> Arm64RootAsync()
    {
        var layout = await UnpackLayoutAsync();
        var index = ReadJson(layout, Blob(Assert.Single(ReadJson(layout, "index.json").GetProperty("manifests").EnumerateArray())));
        var manifest = ReadJson(layout, Blob(index.GetProperty("manifests").EnumerateArray().Single(m => m.GetProperty("platform").GetProperty("architecture").GetString() == "arm64")));
        var root = Path.Combine(_folder, "rootfs");
        Directory.CreateDirectory(root);
        foreach (var layer in manifest.GetProperty("layers").EnumerateArray())
        {
            var result = await Command.RunAsync("tar", ["-xzf", Path.Combine(layout, Blob(layer)), "-C", root, "--same-owner", "--same-permissions"]);
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        var labels = ReadJson(layout, Blob(manifest.GetProperty("config"))).GetProperty("config").GetProperty("Labels");
        return (root, labels);
    }

    private static string Blob(JsonElement descriptor) => Path.Combine("blobs", descriptor.GetProperty("digest").GetString()!.Replace(':', '/'));

    private static JsonElement ReadJson(string layout, string relative)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(layout, relative)));
        return document.RootElement.Clone();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
