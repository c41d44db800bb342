using System.Text.RegularExpressions;
using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.TestOtlp;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// The collector binary with <c>metadata_files</c>: <c>once</c> prints custom metrics beside the catalogue,
/// <c>validate</c> prints a file's mistakes as <c>dotnet build</c> does, custom metrics take the same
/// processors to the exporter as the catalogue, and an edited file is reloaded (a bad edit keeps the running set).
/// </summary>
public sealed class CustomMetricsCollectorTests(PostgresServerPool servers) : IDisposable
{
    private const string ApiKey = "nr-custom-test-key-5c2e81NRAL";

    private const string OneMetric = """
        type: custom
        metrics:
          custom.one: {enabled: true, description: One., unit: "1", gauge: {value_type: int}, source: {query: numbers, column: one}}
        queries:
          numbers:
            sql: SELECT 1 AS one, 2 AS two
            columns:
              one: {type: int}
              two: {type: int}
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("pgmetrics-custom-collector-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string ConfigPath => Path.Combine(_directory, "pgmetrics.yaml");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Config(IPostgresServer server, string database, string metadataFiles, Uri? otlp = null, string exporterLines = "", string interval = "1s")
    {
        var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        var exporters = otlp is null ? string.Empty : $"""
            exporters:
              otlp:
                endpoint: {otlp.AbsoluteUri}
                headers: {"{"}api-key: {ApiKey}{"}"}
            {exporterLines}
            """;
        return $"""
            receivers:
              postgresql:
                endpoint: {connection.Host}:{connection.Port}
                username: {connection.Username}
                collection_interval: {interval}
                initial_delay: 0s
                databases: [{database}]
                tls: {"{"}insecure: true{"}"}
                metadata_files: {metadataFiles}
            {exporters}
            """;
    }

    [Fact]
    public async Task Once_prints_the_custom_metrics_of_a_metadata_file_beside_the_catalogue()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var database = await ShopDatabaseAsync(server);
        // once gives each scrape the collection interval; a loaded machine needs more than a second.
        File.WriteAllText(ConfigPath, Config(server, database.Name, $"[{CustomMetricsTests.ShopFile}]", interval: "30s"));

        var (exitCode, output, errors) = await CollectorProcess.RunAsync(["once", "--config", ConfigPath]);

        Assert.True(exitCode == 0, errors);
        Assert.Contains("postgresql.commits", output, StringComparison.Ordinal);
        Assert.True(output.Contains("shop.orders", StringComparison.Ordinal), output + errors);
        Assert.Contains("status=shipped", output, StringComparison.Ordinal);
        Assert.Contains("shop.revenue", output, StringComparison.Ordinal);

        // The one row whose status metadata.yaml does not declare is said, not silently lost (the table wraps long lines).
        Assert.Contains("query 'orders' in database '" + database.Name + "' returned 1 row(s) whose 'status' is not a value metadata.yaml declares", Regex.Replace(output, @"\s+", " "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_prints_a_mistake_in_a_metadata_file_as_dotnet_build_prints_it()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        var file = Write("custom.yaml", OneMetric.Replace("column: one", "column: three", StringComparison.Ordinal));
        File.WriteAllText(ConfigPath, Config(server, "postgres", $"[{file}]"));

        var (exitCode, output, errors) = await CollectorProcess.RunAsync(["validate", "--config", ConfigPath]);

        Assert.Equal(3, exitCode);
        Assert.Contains($"{file}(3,120): error PGM007: Metric 'custom.one' takes its values from column 'three', which query 'numbers' does not declare", errors, StringComparison.Ordinal);
        Assert.Contains("1 problem in", errors, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Custom_metrics_reach_the_exporter_through_the_same_cardinality_limit_and_delta_conversion_as_the_catalogue()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var database = await ShopDatabaseAsync(server);
        await using var newRelic = new NewRelicStandIn(ApiKey);
        File.WriteAllText(ConfigPath, Config(server, database.Name, $"[{CustomMetricsTests.ShopFile}]", newRelic.Endpoint, "    temporality: delta\n    cardinality: {max_series_per_metric: 2}"));
        await using var collector = RunningCollector.Start(["run", "--config", ConfigPath]);

        // The first scrape is the baseline of every sum; then an order of 100 arrives.
        await WaitForAsync(() => Received(newRelic).Any(p => p.Metric == "shop.orders"), collector);
        await database.ExecuteAsync("INSERT INTO shop_orders VALUES (6, 'paid', 100)", Cancel);
        // The collector's own metrics leave on their own interval, so the wait covers them too.
        await WaitForAsync(
            () => Received(newRelic) is var received
                  && received.Any(p => p.Metric == "shop.revenue" && p.DoubleValue == 100)
                  && received.Any(p => p.Metric == "postgresql.commits")
                  && received.Any(p => p.Metric == "pgmetrics.scrape.duration" && p.Attributes.GetValueOrDefault("scraper") == "custom_metrics"),
            collector);

        var points = Received(newRelic);
        Assert.All(points.Where(p => p.Metric is "shop.revenue" or "postgresql.commits"), p => Assert.Equal((1, true), (p.Temporality, p.Monotonic)));
        Assert.Contains(points, p => p.Metric == "postgresql.commits");
        var orders = points.Where(p => p.Metric == "shop.orders").ToList();
        Assert.Contains(orders, p => p.Attributes.GetValueOrDefault("otel.metric.overflow") == "true");
        Assert.InRange(orders.Where(p => p.Attributes.ContainsKey("status")).Select(p => p.Attributes["status"]).Distinct().Count(), 1, 2);
        Assert.Contains(points, p => p.Metric == "pgmetrics.scrape.duration" && p.Attributes.GetValueOrDefault("scraper") == "custom_metrics");
    }

    [Fact]
    public async Task An_edited_metadata_file_is_reloaded_and_a_bad_edit_is_rejected_while_the_running_set_keeps_sending()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(ApiKey);
        var file = Write("custom.yaml", OneMetric);
        File.WriteAllText(ConfigPath, Config(server, "postgres", $"[{file}]", newRelic.Endpoint));
        await using var collector = RunningCollector.Start(["run", "--config", ConfigPath]);
        await WaitForAsync(() => Received(newRelic).Any(p => p.Metric == "custom.one"), collector);

        // A good edit: a second metric from the same query.
        File.WriteAllText(file, OneMetric.Replace("queries:", "  custom.two: {enabled: true, description: Two., unit: \"1\", gauge: {value_type: int}, source: {query: numbers, column: two}}\nqueries:", StringComparison.Ordinal));
        await collector.WaitForOutputAsync("Config reloaded", TimeSpan.FromSeconds(15));
        await WaitForAsync(() => Received(newRelic).Any(p => p.Metric == "custom.two" && p.IntValue == 2), collector);

        // A bad edit: rejected with the compiler's message, and both metrics keep coming.
        File.WriteAllText(file, OneMetric.Replace("column: one", "column: three", StringComparison.Ordinal));
        await collector.WaitForOutputAsync("Config reload rejected", TimeSpan.FromSeconds(15));
        Assert.Contains($"{file}(3,120): error PGM007", collector.Output, StringComparison.Ordinal);
        var sent = newRelic.Accepted.Count;
        await WaitForAsync(() => Received(newRelic, after: sent + 1) is var received && received.Any(p => p.Metric == "custom.one") && received.Any(p => p.Metric == "custom.two"), collector);
    }

    private async Task<TestDatabase> ShopDatabaseAsync(IPostgresServer server)
    {
        var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("""
            CREATE TABLE shop_orders (id int PRIMARY KEY, status text NOT NULL, amount numeric NOT NULL);
            INSERT INTO shop_orders VALUES (1, 'open', 10), (2, 'open', 5.5), (3, 'paid', 7.25), (4, 'shipped', 3), (5, 'refunded', 1);
            """, Cancel);
        return database;
    }

    private static List<OtlpDecoder.Point> Received(NewRelicStandIn newRelic, int after = 0)
    {
        lock (newRelic.Accepted)
        {
            return newRelic.Accepted.Skip(after).SelectMany(OtlpDecoder.Decode).ToList();
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, RunningCollector collector)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "not reached within 30 s; collector output:\n" + collector.Output);
            await Task.Delay(100, Cancel);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
