using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using PgMetrics.Hosting.Tests.Metadata;
using PgMetrics.TestOtlp;
using PgMetrics.TestPostgres;

namespace PgMetrics.Hosting.Tests;

/// <summary>AddPgMetrics in a real generic host, against a real PostgreSQL server and the New Relic stand-in.</summary>
public sealed class HostedPipelineTests(PostgresServerPool servers)
{
    private const string LicenseKey = "hosting-test-license-key";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>An app's configuration, as flat keys (what environment variables or appsettings.json become).</summary>
    private static Dictionary<string, string?> Settings(string connectionString, Uri newRelic, string shutdownTimeout = "10s")
    {
        var server = new NpgsqlConnectionStringBuilder(connectionString);
        return new()
        {
            ["PgMetrics:Receivers:postgresql:Endpoint"] = $"{server.Host}:{server.Port}",
            ["PgMetrics:Receivers:postgresql:Username"] = server.Username,
            ["PgMetrics:Receivers:postgresql:Password"] = server.Password,
            ["PgMetrics:Receivers:postgresql:Databases:0"] = "postgres",
            ["PgMetrics:Receivers:postgresql:CollectionInterval"] = "1s",
            ["PgMetrics:Receivers:postgresql:InitialDelay"] = "0s",
            ["PgMetrics:Receivers:postgresql:Tls:Insecure"] = "true",
            ["PgMetrics:Exporters:newrelic:Endpoint"] = newRelic.AbsoluteUri,
            ["PgMetrics:Exporters:newrelic:ApiKey"] = LicenseKey,
            ["PgMetrics:Service:ShutdownTimeout"] = shutdownTimeout,
        };
    }

    private static IHost Build(Dictionary<string, string?> settings, CapturedLogs? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddPgMetrics(builder.Configuration.GetSection("PgMetrics")).AddMetricSet<AppMetricSet>();
        builder.Services.AddHealthChecks().AddPgMetricsHealthCheck();
        return builder.Build();
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, CapturedLogs? logs = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}; logged:\n{string.Join('\n', logs?.Entries.Select(e => $"{e.Level} {e.Category}: {e.Message}") ?? [])}");
            await Task.Delay(100, Cancel);
        }
    }

    private static List<OtlpDecoder.Point> Points(NewRelicStandIn newRelic)
    {
        lock (newRelic.Accepted)
        {
            return [.. newRelic.Accepted.SelectMany(OtlpDecoder.Decode)];
        }
    }

    [Fact]
    public async Task The_host_sends_the_catalogue_and_the_apps_own_metric_set_and_logs_through_the_apps_logger()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(LicenseKey);
        var logs = new CapturedLogs();
        using var host = Build(Settings(server.ConnectionString, newRelic.Endpoint), logs);

        await host.StartAsync(Cancel);
        // New Relic gets deltas, so commits arrive from the second scrape on.
        await WaitUntilAsync(() => Points(newRelic).Any(p => p.Metric == "app.settings.count") && Points(newRelic).Any(p => p.Metric == "postgresql.commits"), "both metric sets arrived");
        await host.StopAsync(Cancel);

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_catalog.pg_settings", connection);
        var settings = (long)(await count.ExecuteScalarAsync(Cancel))!;
        var points = Points(newRelic);
        Assert.All(points.Where(p => p.Metric == "app.settings.count"), p => Assert.Equal(settings, p.IntValue));
        Assert.All(points.Where(p => p.Metric == "postgresql.commits"), p => Assert.Equal(1, p.Temporality));
        Assert.Contains(points, p => p.Metric == "pgmetrics.points.collected");
        Assert.Contains(logs.Entries, e => e.Category == "pgmetrics" && e.Message == "Receiver postgresql (127.0.0.1:" + new NpgsqlConnectionStringBuilder(server.ConnectionString).Port + ") scrapes every 1 s");
        Assert.Contains(logs.Entries, e => e.Category == "pgmetrics" && e.Message.StartsWith("Exporter newrelic: ", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(LicenseKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stopping_the_host_sends_what_waited_in_the_queue_during_an_outage()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(LicenseKey) { Down = true };
        using var host = Build(Settings(server.ConnectionString, newRelic.Endpoint));

        await host.StartAsync(Cancel);
        await WaitUntilAsync(() => newRelic.Answers.Count(a => a == 503) >= 2, "the outage refused requests");
        await Task.Delay(TimeSpan.FromSeconds(1.5), Cancel);
        Assert.Empty(newRelic.Accepted);
        newRelic.Down = false;
        await host.StopAsync(Cancel);

        // Every scrape made during the outage left at shutdown: at least two, each with its own timestamp.
        var scrapes = Points(newRelic).Where(p => p.Metric == "app.settings.count").Select(p => p.Time).Distinct().Count();
        Assert.True(scrapes >= 2, $"expected the scrapes queued during the outage to be sent at shutdown, got {scrapes}");
    }

    [Fact]
    public async Task The_health_check_is_healthy_while_scrapes_work_and_unhealthy_once_the_server_stops()
    {
        var cluster = await PostgresCluster.StartAsync(PostgresVersions.Requested[^1], Cancel);
        var role = await UniqueRole.CreateAsync(cluster.ConnectionString, Cancel);
        await using var newRelic = new NewRelicStandIn(LicenseKey);
        var logs = new CapturedLogs();
        using var host = Build(Settings(new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Username = role }.ConnectionString, newRelic.Endpoint), logs);
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var beforeStart = await health.CheckHealthAsync(Cancel);
        await host.StartAsync(Cancel);
        HealthReport report = beforeStart;
        await WaitUntilAsync(() => (report = health.CheckHealthAsync(Cancel).GetAwaiter().GetResult()).Status == HealthStatus.Healthy, "the check is healthy", logs);
        await cluster.DisposeAsync();
        await WaitUntilAsync(() => (report = health.CheckHealthAsync(Cancel).GetAwaiter().GetResult()).Status == HealthStatus.Unhealthy, "the check is unhealthy", logs);
        await host.StopAsync(Cancel);

        Assert.Equal(HealthStatus.Unhealthy, beforeStart.Status);
        var entry = report.Entries["pgmetrics"];
        Assert.StartsWith("receiver postgresql: last scrape failed: ", entry.Description, StringComparison.Ordinal);
        Assert.Equal(entry.Description, entry.Data["problem1"]);
    }
}
