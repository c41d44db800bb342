using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using PgMetrics.OpenTelemetry.Tests.Metadata;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestOtlp;
using PgMetrics.TestPostgres;

namespace PgMetrics.OpenTelemetry.Tests;

/// <summary>The OpenTelemetry .NET bridge, exported by the SDK's own OTLP exporter to the New Relic stand-in, against a real server.</summary>
public sealed class BridgeTests(PostgresServerPool servers)
{
    private const string LicenseKey = "bridge-test-license-key";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static void SendTo(NewRelicStandIn newRelic, OtlpExporterOptions exporter, string signal)
    {
        exporter.Endpoint = new Uri(newRelic.Endpoint, signal);
        exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
        exporter.Headers = "api-key=" + LicenseKey;
    }

    private static List<OtlpDecoder.Point> Points(NewRelicStandIn newRelic)
    {
        lock (newRelic.Accepted)
        {
            return [.. newRelic.Accepted.SelectMany(OtlpDecoder.Decode)];
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(100, Cancel);
        }
    }

    private static async Task<long> CommitsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = 'postgres'", connection);
        return (long)(await command.ExecuteScalarAsync(Cancel))!;
    }

    [Fact]
    public async Task The_sdks_otlp_exporter_sends_the_scraped_metrics_under_the_collectors_names_units_and_attributes_with_delta_counters()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(LicenseKey);
        var receiver = new PostgresqlReceiverConfig { Name = "postgresql", ConnectionString = server.ConnectionString, Databases = ["postgres"], CollectionInterval = TimeSpan.FromSeconds(1), InitialDelay = TimeSpan.Zero };
        var commitsBefore = await CommitsAsync(server.ConnectionString);

        var provider = Sdk.CreateMeterProviderBuilder()
            .AddPgMetricsInstrumentation(options => options.AddMetricSet<AppMetricSet>().Receivers.Add(receiver))
            .AddOtlpExporter((exporter, reader) =>
            {
                SendTo(newRelic, exporter, "v1/metrics");
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Delta;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 500;
            })
            .Build();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                await CommitsAsync(server.ConnectionString);
                await Task.Delay(1000, Cancel);
            }

            await WaitUntilAsync(() => Points(newRelic).Any(p => p.Metric == "postgresql.commits" && p.IntValue > 0) && Points(newRelic).Any(p => p.Metric == "app.settings.count"), "commits and the app's metric arrived");
        }
        finally
        {
            provider.Dispose();
        }

        var commitsAfter = await CommitsAsync(server.ConnectionString);
        await using var scraper = new PostgresScraper(PostgresqlReceiverFactory.ToScraperOptions(receiver), new PostgresqlMetricSet());
        var direct = (await scraper.ScrapeAsync(Cancel)).Metrics;
        var points = Points(newRelic);

        // The same name, unit, kind and attributes (the server's resource attributes as tags) as the collector sends.
        var sent = points.GroupBy(p => p.Metric).ToDictionary(g => g.Key, g => g.ToList());
        var compared = 0;
        foreach (var metric in direct.Points.ToArray().GroupBy(p => p.Metric))
        {
            if (!sent.TryGetValue(metric.Key.Name, out var bridged))
            {
                continue;
            }

            compared++;
            var expectedKeys = metric.SelectMany(p => direct.Resources[p.ResourceIndex].Concat(direct.GetAttributes(p).ToArray()).Select(a => a.Key)).ToHashSet();
            Assert.All(bridged, p =>
            {
                Assert.Equal(metric.Key.Unit, p.Unit);
                Assert.Equal(metric.Key.Kind.ToString().ToLowerInvariant(), p.Kind);
                Assert.Equal(metric.Key.IsMonotonic, p.Monotonic);
                Assert.Equal(expectedKeys.Order(StringComparer.Ordinal), p.Attributes.Keys.Order(StringComparer.Ordinal));
            });
        }

        // Series that come and go (locks held, say) may miss one side; nearly every metric of the scrape must be there, and these always.
        var scraped = direct.Points.ToArray().Select(p => p.Metric.Name).Distinct().ToList();
        Assert.True(compared >= scraped.Count * 0.8, $"only {compared} of {scraped.Count} metrics of the scrape arrived; missing {string.Join(", ", scraped.Except(sent.Keys))}");
        Assert.Superset(new HashSet<string>(["postgresql.backends", "postgresql.commits", "postgresql.db_size", "postgresql.connection.max", "app.settings.count"]), sent.Keys.ToHashSet());
        Assert.All(OtlpDecoder.Scopes(newRelic.Accepted[0]), scope => Assert.Contains(scope.Name, new[] { PgMetricsInstrumentationMeter.Name, "PgMetrics" }));

        // Counters are deltas from the first scrape on: never negative, and together no more than the server counted meanwhile.
        var commits = points.Where(p => p.Metric == "postgresql.commits" && p.Attributes["postgresql.database.name"] == "postgres").ToList();
        Assert.All(commits, p => Assert.Equal((1, true), (p.Temporality, p.Monotonic)));
        Assert.All(commits, p => Assert.True(p.IntValue >= 0, $"a negative delta: {p.IntValue}"));
        Assert.InRange(commits.Sum(p => p.IntValue!.Value), 1, commitsAfter - commitsBefore);
    }

    [Fact]
    public async Task Query_sample_events_go_through_the_logging_bridge_without_literals()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var newRelic = new NewRelicStandIn(LicenseKey);
        var loggerFactory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel => otel.AddOtlpExporter(exporter => SendTo(newRelic, exporter, "v1/logs"))));
        var provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureServices(services => services.AddSingleton(loggerFactory))
            .AddPgMetricsInstrumentation(options =>
            {
                options.ConnectionString = server.ConnectionString;
                options.CollectionInterval = TimeSpan.FromSeconds(1);
                options.QueryMonitoring = new() { QuerySample = new() { Enabled = true } };
            })
            .Build();
        try
        {
            await using var sleeper = new NpgsqlConnection(server.ConnectionString);
            await sleeper.OpenAsync(Cancel);
            await using var sleep = new NpgsqlCommand("SELECT pg_sleep(3.5) /* bridge-sample */", sleeper);
            await sleep.ExecuteNonQueryAsync(Cancel);
        }
        finally
        {
            provider.Dispose();
            loggerFactory.Dispose();
        }

        var records = newRelic.AcceptedLogs.SelectMany(OtlpDecoder.DecodeLogs).ToList();
        // An event has no severity of its own: the bridge logs it at Information (OTLP severity 9).
        var sample = Assert.Single(records.Where(r => r.Attributes.GetValueOrDefault("db.query.text") == "SELECT pg_sleep($1)").GroupBy(r => r.Attributes["postgresql.pid"]).Select(g => g.First()));
        Assert.Equal((9, "pgmetrics.query_events"), (sample.Severity, sample.Scope));
        Assert.Equal("postgres", sample.Attributes["db.namespace"]);
        Assert.Equal(QueryFingerprinterFor("SELECT pg_sleep(1)"), sample.Attributes["db.query.fingerprint"]);
        Assert.True(sample.Attributes.ContainsKey("server.address"));
        Assert.DoesNotContain(records, r => r.Attributes.GetValueOrDefault("db.query.text")?.Contains("3.5", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Wrong_settings_fail_when_the_provider_is_built_with_the_collectors_messages()
    {
        var builder = Sdk.CreateMeterProviderBuilder();

        var missing = Assert.Throws<ArgumentException>(() => builder.AddPgMetricsInstrumentation(_ => { }));
        var wrong = Assert.Throws<ArgumentException>(() => builder.AddPgMetricsInstrumentation(options => options.Receivers.Add(new PostgresqlReceiverConfig { Name = "postgresql", Endpoint = "db.internal" })));

        Assert.StartsWith("PgMetrics instrumentation: (code): receivers: at least one server is needed", missing.Message, StringComparison.Ordinal);
        Assert.StartsWith("PgMetrics instrumentation: (code): receivers.postgresql.endpoint: 'db.internal' is not host:port, e.g. localhost:5432", wrong.Message, StringComparison.Ordinal);
    }

    private static string QueryFingerprinterFor(string sql) => Runtime.Queries.QueryFingerprinter.Fingerprint(sql).Hex;
}
