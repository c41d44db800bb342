using PgMetrics.Collector.Components;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using PgMetrics.Collector.Config;
using PgMetrics.Hosting;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.IntegrationTests.Metadata;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// A receiver's <c>metadata_files</c> on a real server: the collector records from a file what the code the
/// generator writes from the same file records, beside the catalogue, and a custom query that fails or
/// hangs is reported once and costs the catalogue nothing.
/// </summary>
public sealed class CustomMetricsTests(PostgresServerPool servers) : IDisposable
{
    public static readonly string ShopFile = Path.Combine(RepositoryPaths.Root, "tests", "PgMetrics.IntegrationTests", "CustomMetrics", "metadata.yaml");

    private const string ShopOrders = """
        CREATE TABLE shop_orders (id int PRIMARY KEY, status text NOT NULL, amount numeric NOT NULL);
        INSERT INTO shop_orders VALUES (1, 'open', 10), (2, 'open', 5.5), (3, 'paid', 7.25), (4, 'shipped', 3), (5, 'refunded', 1);
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("pgmetrics-custom-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task The_collector_records_from_a_metadata_file_the_points_the_generated_code_records_from_the_same_file(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync(ShopOrders, Cancel);

        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = server.ConnectionString, Databases = [database.Name] }, new ShopMetricSet());
        var generated = await scraper.ScrapeAsync(Cancel);
        var receiver = Receiver(server, $"    databases: [{database.Name}]\n    metadata_files: [{ShopFile}]\n");
        IReadOnlyList<ScrapeResult> results;
        try
        {
            results = await receiver.ScrapeOnceAsync(Cancel);
        }
        finally
        {
            await receiver.ShutdownAsync(CancellationToken.None);
        }

        // The catalogue and the custom metrics are scraped side by side, each into its own result.
        var (catalogue, custom) = (results[0], results[^1]);
        Assert.Contains(RecordedPoint.From(catalogue.Metrics), p => p.Metric == "postgresql.commits");
        Assert.DoesNotContain(RecordedPoint.From(catalogue.Metrics), p => p.Metric.StartsWith("shop.", StringComparison.Ordinal));
        Assert.Empty(custom.Errors);

        var fromCode = RecordedPoint.From(generated.Metrics);
        var fromFile = RecordedPoint.From(custom.Metrics);
        Assert.Equal(fromCode.Select(Steady), fromFile.Select(p => Steady(WithoutServer(p))));
        Assert.Equal(generated.RejectedValues, custom.RejectedValues);
        Assert.Equal([new RejectedValue("orders", "status", database.Name, 1)], custom.RejectedValues);
        Assert.Equal(["shop.orders", "shop.orders", "shop.orders", "shop.revenue"], fromFile.Select(p => p.Metric));
        Assert.Equal(26.75, fromFile[^1].DoubleValue);

        // In the collector the server's identity is on every custom point too, as on the catalogue's, so New Relic
        // puts custom metrics on the same PostgreSQL entity.
        var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        var catalogueIdentity = RecordedPoint.From(catalogue.Metrics).First(p => p.Metric == "postgresql.commits").Resource.Split(", ").First(a => a.StartsWith("service.instance.id=", StringComparison.Ordinal));
        Assert.All(fromFile, p => Assert.StartsWith($"server.address={connection.Host}, server.port={connection.Port}, {catalogueIdentity}, ", p.Resource, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_and_a_hanging_custom_query_are_logged_once_while_the_catalogue_and_the_other_custom_metrics_scrape_in_full()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        var file = Write("troubled.yaml", """
            type: troubled
            metrics:
              troubled.broken: {enabled: true, description: Always fails., unit: "1", gauge: {value_type: int}, source: {query: broken, column: value}}
              troubled.hanging: {enabled: true, description: Outlasts query_timeout., unit: "1", gauge: {value_type: int}, source: {query: hanging, column: value}}
              troubled.working: {enabled: true, description: Works., unit: "1", gauge: {value_type: int}, source: {query: working, column: value}}
            queries:
              broken:
                sql: SELECT 1 / (SELECT count(*) FROM pg_database WHERE false)::int AS value
                columns: {value: {type: int}}
              hanging:
                sql: SELECT 1 AS value FROM pg_sleep(30)
                columns: {value: {type: int}}
              working:
                sql: SELECT 42 AS value
                columns: {value: {type: int}}
            """);
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs));
        var receiver = Receiver(server, $"    databases: [postgres]\n    query_timeout: 1s\n    metadata_files: [{file}]\n", loggerFactory);
        var scrapes = new List<IReadOnlyList<ScrapeResult>>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                scrapes.Add(await receiver.ScrapeOnceAsync(Cancel));
            }
        }
        finally
        {
            await receiver.ShutdownAsync(CancellationToken.None);
        }

        foreach (var scrape in scrapes)
        {
            var (catalogue, custom) = (scrape[0], scrape[^1]);
            Assert.True(catalogue.IsComplete, string.Join("\n", catalogue.Errors));
            Assert.Contains(RecordedPoint.From(catalogue.Metrics), p => p.Metric == "postgresql.commits");
            Assert.Equal([("broken", ScrapeErrorKind.Query), ("hanging", ScrapeErrorKind.Timeout)], custom.Errors.Select(e => (e.Query!, e.Kind)));
            Assert.Equal(42, Assert.Single(RecordedPoint.From(custom.Metrics)).IntValue);

            // statement_timeout ends the hanging query on the server after query_timeout, not after its 30 s.
            Assert.True(custom.Duration < TimeSpan.FromSeconds(10), $"the custom scrape took {custom.Duration}");
        }

        var problems = logs.Collector.GetSnapshot().Select(r => r.Message).Where(m => m.Contains("query 'broken'", StringComparison.Ordinal) || m.Contains("query 'hanging'", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, m => m.Contains("Timeout query 'hanging' in database 'postgres'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timestamps_dates_and_intervals_are_read_as_the_seconds_EXTRACT_EPOCH_gives()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        const string Values = "SELECT pg_postmaster_start_time() AS started, '2026-11-30 17:45:12.25'::timestamp AS local_time, DATE '2001-02-03' AS day, INTERVAL '1 day 02:03:04.5' AS elapsed, '1970-01-01Z'::timestamptz AS never";
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancel);

        await using var oracle = new NpgsqlCommand($"SELECT extract(epoch FROM started)::float8, extract(epoch FROM local_time)::float8, extract(epoch FROM day)::float8, extract(epoch FROM elapsed)::float8, extract(epoch FROM never)::float8 FROM ({Values}) AS v", connection);
        await using (var expected = await oracle.ExecuteReaderAsync(Cancel))
        {
            await expected.ReadAsync(Cancel);
            var seconds = Enumerable.Range(0, 5).Select(expected.GetDouble).ToArray();
            await expected.CloseAsync();

            await using var command = new NpgsqlCommand(Values, connection);
            await using var reader = await command.ExecuteReaderAsync(Cancel);
            await reader.ReadAsync(Cancel);
            Assert.Equal(seconds, Enumerable.Range(0, 5).Select(i => ColumnReader.ReadDouble(reader, i)));
            Assert.Equal(seconds.Select(s => (long)Math.Floor(s)), Enumerable.Range(0, 5).Select(i => ColumnReader.ReadInt64(reader, i)));
        }
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A receiver made as the collector makes one, from a config block read by its factory.</summary>
    private IReceiver Receiver(IPostgresServer server, string receiverLines, ILoggerFactory? loggerFactory = null)
    {
        var connection = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        var configPath = Write("pgmetrics.yaml", $"receivers:\n  postgresql:\n    endpoint: {connection.Host}:{connection.Port}\n    username: {connection.Username}\n    tls: {{insecure: true}}\n{receiverLines}");
        var loaded = ConfigLoader.Load(configPath);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        return new PostgresqlReceiverFactory().Create(loaded.Config!.Receivers[0], new ReceiverContext(Discard.Instance, Discard.Instance, loggerFactory ?? NullLoggerFactory.Instance));
    }

    private static (string Series, long Int, double Double) Steady(RecordedPoint point) => (point.Series, point.IntValue, point.DoubleValue);

    private static RecordedPoint WithoutServer(RecordedPoint point)
        => point with { Resource = string.Join(", ", point.Resource.Split(", ").Where(a => !a.StartsWith("server.", StringComparison.Ordinal) && !a.StartsWith("service.instance.id=", StringComparison.Ordinal))) };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class Discard : IMetricsConsumer, ILogsConsumer
    {
        public static readonly Discard Instance = new();

        public void ConsumeMetrics(MetricsBuffer metrics)
        {
        }

        public void ConsumeLogs(LogBatch logs)
        {
        }
    }
}
