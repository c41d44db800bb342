using System.Net;
using System.Net.Sockets;
using System.Text;
using PgMetrics.Deployment.Tests.Infrastructure;
using PgMetrics.TestOtlp;
using PgMetrics.TestPostgres;
using PgMetrics.Tests.Shared;

namespace PgMetrics.Deployment.Tests;

/// <summary>
/// The image's own root file system, run as its user 65532 on a read-only root (see ContainerRun):
/// proof that it holds everything the collector needs, TLS included, with nothing from the host.
/// </summary>
public sealed class ImageRunTests(ImageRoot image, PostgresServerPool servers) : IDisposable
{
    private const string LicenseKey = "nr-image-test-license-key-7c1d9e";
    private readonly string _folder = CreateFolder();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_image_starts_with_nothing_on_stderr_but_its_own_log()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        var config = WriteConfig(server, exporter: "console: {}", exporterName: "console", healthPort: FreePort());
        var run = (await ContainerAsync()).Mount(config, "/etc/pgmetrics");

        var result = await run.RunAsync("run", "--config", "/etc/pgmetrics/pgmetrics.yaml", "--duration", "2s");

        // A library the image lacks shows up as a loader message here (libgssapi_krb5.so.2 did, before the image had it).
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.All(result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(@"^\d\d:\d\d:\d\d (info|warn): ", line));
    }

    [Fact]
    public async Task The_image_prints_the_version_it_is_labelled_with()
    {
        var run = await ContainerAsync();

        var result = await run.RunAsync("--version");

        var labels = (await image.GetAsync()).Config.GetProperty("Labels");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"{labels.GetProperty("org.opencontainers.image.version").GetString()}+{labels.GetProperty("org.opencontainers.image.revision").GetString()}", result.Output.Trim());
    }

    [Fact]
    public async Task The_image_validates_the_config_the_Kubernetes_manifests_mount()
    {
        var config = Folder("config");
        File.Copy(Repository.PathOf("deploy/kubernetes/pgmetrics.yaml"), Path.Combine(config, "pgmetrics.yaml"));
        var run = (await ContainerAsync()).Mount(config, "/etc/pgmetrics")
            .Environment("NEW_RELIC_LICENSE_KEY", LicenseKey).Environment("PGMETRICS_PASSWORD", "image-test-password");

        var result = await run.RunAsync("validate", "--config", "/etc/pgmetrics/pgmetrics.yaml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("valid; receivers: postgresql; exporters: newrelic", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(LicenseKey, result.Output + result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_in_the_image_scrapes_a_throwaway_server_on_loopback()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        var config = WriteConfig(server, exporter: "console: {}", exporterName: "console", healthPort: FreePort());
        var run = (await ContainerAsync()).Mount(config, "/etc/pgmetrics");

        var result = await run.RunAsync("once", "--config", "/etc/pgmetrics/pgmetrics.yaml", "--format", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"postgresql.db_size\"", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"postgresql.backends\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_image_exports_over_TLS_trusting_its_CA_bundle_and_answers_probes_on_every_interface()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(LicenseKey, TestCertificates.Authority.Server);
        var healthPort = FreePort();
        var config = WriteConfig(server, NewRelicExporter(newRelic), "newrelic", healthPort);
        // The image's own bundle with the test CA added: the file the collector trusts public CAs from.
        var bundle = Path.Combine(Folder("ssl"), "ca-certificates.crt");
        var rootFileSystem = (await image.GetAsync()).RootFileSystem;
        await File.WriteAllTextAsync(bundle, await File.ReadAllTextAsync(Path.Combine(rootFileSystem, "etc/ssl/certs/ca-certificates.crt"), Cancel) + TestCertificates.Authority.PemCertificate, Cancel);
        var run = (await ExportingContainerAsync(config)).Mount(bundle, "/etc/ssl/certs/ca-certificates.crt");

        var output = new StringBuilder();
        using var collector = run.Start(output, "run", "--config", "/etc/pgmetrics/pgmetrics.yaml", "--duration", "5s");
        var probe = await ProbeAsync(healthPort, collector, output);
        await collector.WaitForExitAsync(Cancel);

        Assert.True(collector.ExitCode == 0, $"exit code {collector.ExitCode}\n{output}");
        Assert.Equal(HttpStatusCode.OK, probe);
        var points = newRelic.Accepted.SelectMany(OtlpDecoder.Decode).ToList();
        Assert.Contains(points, p => p.Metric == "postgresql.db_size" && p.Resource["postgresql.database.name"] == "postgres");
        // The collector's own metrics (reported at shutdown) say which version sent them, the one the image is labelled with.
        var labels = (await image.GetAsync()).Config.GetProperty("Labels");
        Assert.Contains(points, p => p.Metric.StartsWith("pgmetrics.", StringComparison.Ordinal) && p.Resource.GetValueOrDefault("service.name") == "pgmetrics"
            && p.Resource.GetValueOrDefault("service.version") == labels.GetProperty("org.opencontainers.image.version").GetString());
        Assert.DoesNotContain(LicenseKey, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_private_CA_named_by_SSL_CERT_FILE_is_trusted()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(LicenseKey, TestCertificates.Authority.Server);
        var config = WriteConfig(server, NewRelicExporter(newRelic), "newrelic", FreePort());
        await File.WriteAllTextAsync(Path.Combine(config, "private-ca.crt"), TestCertificates.Authority.PemCertificate, Cancel);
        var run = (await ExportingContainerAsync(config)).Environment("SSL_CERT_FILE", "/etc/pgmetrics/private-ca.crt");

        var result = await run.RunAsync("run", "--config", "/etc/pgmetrics/pgmetrics.yaml", "--duration", "3s");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(newRelic.Accepted.SelectMany(OtlpDecoder.Decode), p => p.Metric == "postgresql.db_size");
    }

    [Fact]
    public async Task The_image_sends_nothing_to_an_endpoint_whose_certificate_no_trusted_CA_signed()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(LicenseKey, TestCertificates.Authority.Server);
        var spool = Folder("spool");
        var config = WriteConfig(server, NewRelicExporter(newRelic), "newrelic", FreePort());
        var run = await ExportingContainerAsync(config, spool);

        var result = await run.RunAsync("run", "--config", "/etc/pgmetrics/pgmetrics.yaml", "--duration", "3s");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(newRelic.Answers);
        Assert.Contains("0 points exported", result.Errors, StringComparison.Ordinal);
        // What could not be sent waits in the spool volume, written as the image's user.
        Assert.NotEmpty(Directory.GetFiles(spool));
    }

    private async Task<ContainerRun> ContainerAsync()
    {
        ContainerRun.RequireRoot();
        return new ContainerRun(await image.GetAsync());
    }

    /// <summary>A run with the volumes a pod gives the collector: config, spool (writable), and the runtime's /etc/hosts.</summary>
    private async Task<ContainerRun> ExportingContainerAsync(string config, string? spool = null)
    {
        var hosts = Path.Combine(Folder("etc"), "hosts");
        await File.WriteAllTextAsync(hosts, "127.0.0.1\tlocalhost\n", Cancel);
        return (await ContainerAsync())
            .Mount(config, "/etc/pgmetrics")
            .Mount(spool ?? Folder("spool"), "/var/lib/pgmetrics/spool", readOnly: false)
            .Mount(hosts, "/etc/hosts")
            .Environment("NEW_RELIC_LICENSE_KEY", LicenseKey);
    }

    private static string NewRelicExporter(NewRelicStandIn newRelic) => $$"""
        newrelic:
            endpoint: https://localhost:{{newRelic.Endpoint.Port}}
            api_key: ${env:NEW_RELIC_LICENSE_KEY}
            compression: zstd
            spool_directory: /var/lib/pgmetrics/spool
        """;

    private string WriteConfig(IPostgresServer server, string exporter, string exporterName, int healthPort)
    {
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(server.ConnectionString);
        var config = Folder("config");
        File.WriteAllText(Path.Combine(config, "pgmetrics.yaml"), $$"""
            receivers:
              postgresql:
                endpoint: 127.0.0.1:{{connection.Port}}
                username: {{connection.Username}}
                databases: [postgres]
                collection_interval: 1s
                initial_delay: 0s
                tls: {insecure: true}
            exporters:
              {{exporter}}
            service:
              exporters: [{{exporterName}}]
              shutdown_timeout: 1s
              telemetry:
                health: {endpoint: 0.0.0.0:{{healthPort}}}
            """);
        return config;
    }

    /// <summary>GETs /healthz as the kubelet does: at an address of the pod, with that address as the Host header.</summary>
    private static async Task<HttpStatusCode?> ProbeAsync(int port, System.Diagnostics.Process collector, StringBuilder output)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(4);
        while (DateTime.UtcNow < deadline && !collector.HasExited)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/healthz") { Headers = { Host = $"10.244.0.17:{port}" } };
                using var answer = await http.SendAsync(request, Cancel);
                return answer.StatusCode;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100, Cancel);
            }
        }

        Assert.Fail($"/healthz did not answer on port {port}:\n{output}");
        return null;
    }

    private string Folder(string name)
    {
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(path);
        // Readable and, for the spool, writable by the image's user, as fsGroup makes a pod's volumes.
        File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
        return path;
    }

    private static string CreateFolder()
    {
        var folder = Directory.CreateTempSubdirectory("pgmetrics-container-").FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        return folder;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
