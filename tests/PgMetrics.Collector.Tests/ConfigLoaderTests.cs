using PgMetrics.Collector.Config;
using PgMetrics.Exporter.Otlp;
using PgMetrics.Exporter.Otlp.Configuration;
using PgMetrics.Exporter.Otlp.NewRelic;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Collector.Tests;

/// <summary>Config files are read like OpenTelemetry Collector configs, and every mistake is named with its place.</summary>
public sealed class ConfigLoaderTests
{
    private const string File = "pgmetrics.yaml";

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["PGMETRICS_PASSWORD"] = "pg-S3cret!",
        ["NEW_RELIC_LICENSE_KEY"] = "nr-license-key-value",
    };

    private static ConfigLoadResult Parse(string yaml) => ConfigLoader.Parse(yaml, File, name => Environment.GetValueOrDefault(name));

    [Fact]
    public void A_receivers_block_lifted_from_an_otelcol_config_is_read_with_every_key()
    {
        var result = Parse("""
            receivers:
              postgresql:
                endpoint: db.internal:6432
                transport: tcp
                username: pgmetrics
                password: ${env:PGMETRICS_PASSWORD}
                databases: [shop, billing]
                exclude_databases: [template0]
                connect_database: monitoring
                max_relations_per_database: 250
                max_concurrent_databases: 2
                collection_interval: 30s
                initial_delay: 2s
                timeout: 20s
                tls:
                  insecure: false
                  insecure_skip_verify: true
                metrics:
                  postgresql.db_size: {enabled: false}
                resource_attributes:
                  postgresql.database.name: {enabled: false}
              postgresql/replica:
                endpoint: /var/run/postgresql:5432
                transport: unix
            exporters:
              newrelic:
                region: EU
                compression: zstd
              otlp/local:
                endpoint: http://localhost:4318
                headers: {x-tenant: demo}
                cardinality: {max_series_per_metric: 500, max_series_total: 9000}
            service:
              exporters: [newrelic]
              shutdown_timeout: 8s
            """);

        Assert.Empty(result.Errors);
        var config = result.Config!;
        var primary = (PostgresqlReceiverConfig)config.Receivers[0];
        var replica = (PostgresqlReceiverConfig)config.Receivers[1];
        Assert.Equal(("postgresql", "db.internal:6432", "pgmetrics", "pg-S3cret!"), (primary.Name, primary.Endpoint, primary.Username, primary.Password));
        Assert.Equal(["shop", "billing"], primary.Databases);
        Assert.Equal(("monitoring", "postgres"), (primary.ConnectDatabase, replica.ConnectDatabase));
        Assert.Equal("monitoring", new Npgsql.NpgsqlConnectionStringBuilder(PostgresqlReceiverFactory.ToScraperOptions(primary).ConnectionString).Database);
        Assert.Equal((250, 2), (primary.MaxRelationsPerDatabase, primary.MaxConcurrentDatabases));
        Assert.Equal((1000, 4), (replica.MaxRelationsPerDatabase, replica.MaxConcurrentDatabases));
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20)), (primary.CollectionInterval, primary.InitialDelay, primary.Timeout));
        Assert.True(primary.Tls.InsecureSkipVerify);
        Assert.False(primary.Metrics["postgresql.db_size"]);
        Assert.False(primary.ResourceAttributes["postgresql.database.name"]);
        Assert.Equal(("postgresql/replica", PostgresqlTransport.Unix), (replica.Name, replica.Transport));
        var newRelic = (NewRelicExporterConfig)config.Exporters[0];
        var local = (OtlpExporterConfig)config.Exporters[1];
        Assert.Equal((NewRelicRegion.EU, OtlpCompression.Zstd), (newRelic.Region, newRelic.Settings.Compression));
        Assert.Equal("nr-license-key-value", newRelic.ApiKey);
        Assert.Equal("demo", local.Headers["x-tenant"]);
        Assert.Equal((500, 9000), (local.Settings.Cardinality.MaxSeriesPerMetric, local.Settings.Cardinality.MaxSeriesTotal));
        Assert.Equal(["newrelic"], config.Service.Exporters);
        Assert.Equal(TimeSpan.FromSeconds(8), config.Service.ShutdownTimeout);
    }

    public static TheoryData<string, int, int, string, string> Mistakes => new()
    {
        { "receivers:\n  postgresql:\n    endpont: x:1\n", 3, 5, "receivers.postgresql.endpont", "unknown key" },
        { "receivers:\n  postgresql:\n    collection_interval: soon\n", 3, 26, "receivers.postgresql.collection_interval", "not a duration" },
        { "receivers:\n  postgresql:\n    databases: shop\n", 3, 16, "receivers.postgresql.databases", "must be a list" },
        { "receivers:\n  postgresql:\n    max_relations_per_database: 0\n", 3, 33, "receivers.postgresql.max_relations_per_database", "at least 1" },
        { "receivers:\n  postgresql:\n    tls: {insecure: maybe}\n", 3, 21, "receivers.postgresql.tls.insecure", "not true or false" },
        { "receivers:\n  postgresql:\n    metrics:\n      postgresql.commitz: {enabled: false}\n", 4, 7, "receivers.postgresql.metrics.postgresql.commitz", "unknown metric" },
        { "receivers:\n  postgresql:\n    password: ${env:NOT_SET_ANYWHERE}\n", 3, 15, "receivers.postgresql.password", "NOT_SET_ANYWHERE is not set" },
        { "receivers:\n  postgresql:\n    endpoint: localhost\n", 3, 15, "receivers.postgresql.endpoint", "not host:port" },
        { "receivers:\n  postgresql:\n    connect_database: ''\n", 3, 23, "receivers.postgresql.connect_database", "is empty" },
        { "receivers:\n  mysql: {}\n", 2, 3, "receivers.mysql", "unknown receiver type" },
        { "receivers:\n  postgresql: {}\nexporters:\n  otlp: {endpoint: ftp://x}\n", 4, 20, "exporters.otlp.endpoint", "not an http(s) URL" },
        { "receivers:\n  postgresql: {}\nservice:\n  exporters: [nowhere]\n", 4, 15, "service.exporters", "not declared" },
        { "receivers: [\n", 2, 1, "(yaml)", "" },
        { "receivers:\n  postgresql: {}\nexporters:\n  otlp:\n    endpoint: http://x:4318\n    cardinality: {max_series_per_metric: 0}\n", 6, 42, "exporters.otlp.cardinality.max_series_per_metric", "at least 1" },
        { "receivers:\n  postgresql: {}\nexporters:\n  newrelic: {region: Mars}\n", 4, 22, "exporters.newrelic.region", "'Mars' is not one of US, EU, FedRAMP" },
        { "receivers:\n  postgresql: {}\nexporters:\n  otlp: {}\n", 4, 9, "exporters.otlp.endpoint", "needs an endpoint" },
        { "receivers:\n  postgresql:\n    query_timeout: 0s\n", 3, 20, "receivers.postgresql.query_timeout", "greater than zero" },
        { "receivers:\n  postgresql: {}\nservice:\n  telemetry: {logs: {level: information}}\n", 4, 29, "service.telemetry.logs.level", "is not one of debug, info, warn, error" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_is_named_with_file_line_column_and_key(string yaml, int line, int column, string key, string message)
    {
        var result = Parse(yaml);

        Assert.Null(result.Config);
        var error = Assert.Single(result.Errors, e => e.Key == key);
        Assert.Equal((File, line, column), (error.File, error.Line, error.Column));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_mistake_is_reported_at_once()
    {
        var result = Parse("receivers:\n  postgresql:\n    endpont: x\n    timeout: forever\nexporters:\n  carrier_pigeon: {}\n");

        Assert.Equal(3, result.Errors.Count);
    }

    [Fact]
    public void Secrets_come_from_files_and_never_appear_in_a_message()
    {
        var secretFile = Path.GetTempFileName();
        System.IO.File.WriteAllText(secretFile, "from-a-file-S3cret\n");
        try
        {
            var good = Parse($"receivers:\n  postgresql:\n    password: ${{file:{secretFile}}}\n");
            var bad = Parse("receivers:\n  postgresql:\n    password: ${env:PGMETRICS_PASSWORD}\n    timeout: ${env:PGMETRICS_PASSWORD}\n");

            Assert.Equal("from-a-file-S3cret", ((PostgresqlReceiverConfig)good.Config!.Receivers[0]).Password);
            var error = Assert.Single(bad.Errors);
            Assert.Equal("receivers.postgresql.timeout", error.Key);
            Assert.DoesNotContain("pg-S3cret!", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            System.IO.File.Delete(secretFile);
        }
    }

    [Fact]
    public void A_newrelic_exporter_without_any_key_is_refused()
    {
        var result = ConfigLoader.Parse("receivers:\n  postgresql: {}\nexporters:\n  newrelic: {}\n", File, _ => null);

        Assert.Contains(result.Errors, e => e.Key == "exporters.newrelic.api_key" && e.Line == 4);
    }

    [Fact]
    public void The_example_config_in_the_repository_is_valid()
    {
        var root = AppContext.BaseDirectory;
        while (!System.IO.File.Exists(Path.Combine(root, "PgMetrics.slnx")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        var result = ConfigLoader.Load(Path.Combine(root, "deploy", "pgmetrics.example.yaml"), name => Environment.GetValueOrDefault(name));

        Assert.Empty(result.Errors);
    }
}
