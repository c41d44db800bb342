using System.Net;
using System.Net.Sockets;
using PgMetrics.TestOtlp;
using PgMetrics.TestPostgres;

namespace PgMetrics.Package.Tests;

/// <summary>
/// The samples in samples/, built from the packed packages outside the solution and run against a real
/// PostgreSQL server and the New Relic stand-in: what a .NET developer gets by following them.
/// </summary>
public sealed class SampleTests : IAsyncLifetime
{
    private const string LicenseKey = "sample-test-license-key";

    private readonly PostgresServerPool _servers = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _servers.DisposeAsync();

    [Fact]
    public async Task The_aspnet_core_sample_sends_the_servers_and_its_own_metrics_and_its_health_check_fails_once_the_server_stops()
    {
        using var sample = await SampleApp.BuildAsync("PgMetrics.Samples.Web", Cancel);
        var cluster = await PostgresCluster.StartAsync(PostgresVersions.Requested[^1], Cancel);
        await using var stopCluster = cluster;
        var role = await UniqueRole.CreateAsync(cluster.ConnectionString, Cancel);
        await using var newRelic = new NewRelicStandIn(LicenseKey);
        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        // What a deployment sets: the appsettings.json keys as environment variables, and the license key.
        await using var app = sample.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["PgMetrics__Receivers__postgresql__Endpoint"] = $"127.0.0.1:{cluster.Port}",
            ["PgMetrics__Receivers__postgresql__Username"] = role,
            ["PgMetrics__Receivers__postgresql__CollectionInterval"] = "1s",
            ["PgMetrics__Receivers__postgresql__InitialDelay"] = "0s",
            ["PgMetrics__Exporters__newrelic__Endpoint"] = newRelic.Endpoint.AbsoluteUri,
            ["NEW_RELIC_LICENSE_KEY"] = LicenseKey,
        });

        await WaitUntilAsync(async () => await HealthAsync(http) == (HttpStatusCode.OK, "Healthy"), "/health is Healthy", app);
        await WaitUntilAsync(() => Task.FromResult(Metrics(newRelic).Contains("postgresql.backends") && Metrics(newRelic).Contains("sample.client.sessions")), "the catalogue's and the app's metrics arrived", app);
        await cluster.DisposeAsync();
        await WaitUntilAsync(async () => await HealthAsync(http) == (HttpStatusCode.ServiceUnavailable, "Unhealthy"), "/health is Unhealthy", app);
        var exitCode = await app.StopAsync(TimeSpan.FromSeconds(20));

        Assert.True(exitCode == 0, app.Output);
        Assert.Contains("Exporter newrelic: ", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(LicenseKey, app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_worker_sample_exports_the_servers_metrics_through_the_opentelemetry_sdks_otlp_exporter()
    {
        using var sample = await SampleApp.BuildAsync("PgMetrics.Samples.Worker", Cancel);
        var server = await _servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(LicenseKey);

        // The OpenTelemetry SDK's own variables, as New Relic's documentation gives them.
        await using var app = sample.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = server.ConnectionString,
            ["PgMetrics__CollectionInterval"] = "00:00:01",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = newRelic.Endpoint.AbsoluteUri.TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "api-key=" + LicenseKey,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"] = "delta",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });

        await WaitUntilAsync(() => Task.FromResult(Points(newRelic).Any(p => p.Metric == "postgresql.commits" && p.IntValue > 0)), "commits arrived", app);
        var exitCode = await app.StopAsync(TimeSpan.FromSeconds(20));

        Assert.True(exitCode == 0, app.Output);
        var points = Points(newRelic);
        Assert.Contains(points, p => p.Metric == "postgresql.backends" && p.Attributes.ContainsKey("server.address") && p.Resource["service.name"] == "pgmetrics-sample-worker");
        Assert.All(points.Where(p => p.Metric == "postgresql.commits"), p => Assert.Equal((1, true), (p.Temporality, p.Monotonic)));
        Assert.Contains(newRelic.Accepted.SelectMany(OtlpDecoder.Scopes), scope => scope.Name == "PgMetrics.PostgreSQL");
    }

    private static async Task<(HttpStatusCode, string)> HealthAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/health", Cancel);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Cancel));
        }
        catch (HttpRequestException)
        {
            return (0, "not listening");
        }
    }

    private static List<OtlpDecoder.Point> Points(NewRelicStandIn newRelic)
    {
        lock (newRelic.Accepted)
        {
            return [.. newRelic.Accepted.SelectMany(OtlpDecoder.Decode)];
        }
    }

    private static HashSet<string> Metrics(NewRelicStandIn newRelic) => [.. Points(newRelic).Select(p => p.Metric)];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, AppProcess app)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.False(app.HasExited, $"the app exited while waiting until {what}:\n{app.Output}");
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}:\n{app.Output}");
            await Task.Delay(200, Cancel);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
