using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PgMetrics.Collector.Config;
using PgMetrics.Exporter.Otlp;
using PgMetrics.Exporter.Otlp.Configuration;
using PgMetrics.Exporter.Otlp.NewRelic;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Hosting.Tests;

/// <summary>An app's configuration is read with the collector's keys and meanings, and checked at start with the collector's messages.</summary>
public sealed class ConfigurationTests
{
    private static IHost Build(string json, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        builder.Services.AddPgMetrics(builder.Configuration.GetSection("PgMetrics"));
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    private static async Task<IReadOnlyList<string>> StartFailuresAsync(IHost host)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        return [.. failure.Failures];
    }

    [Fact]
    public void An_appsettings_section_is_read_with_the_collectors_keys_in_yaml_or_dotnet_spelling()
    {
        using var host = Build("""
            {
              "PgMetrics": {
                "Receivers": {
                  "postgresql": {
                    "Endpoint": "db.internal:6432",
                    "Username": "pgmetrics",
                    "CollectionInterval": "30s",
                    "max_relations_per_database": 250,
                    "Databases": [ "shop", "billing" ],
                    "Tls": { "InsecureSkipVerify": true },
                    "Metrics": { "postgresql.db_size": { "Enabled": false } },
                    "Events": { "db.server.query_sample": { "Enabled": true }, "db.server.top_query": { "Enabled": true } },
                    "TopQueryCollection": { "TopNQuery": 5, "CollectionInterval": "60s" },
                    "ConnectionPool": { "MaxOpen": 3 }
                  },
                  "postgresql/replica": { "endpoint": "/var/run/postgresql:5432", "transport": "unix" }
                },
                "Exporters": {
                  "newrelic": { "Region": "EU", "ApiKey": "nr-key", "Compression": "zstd" },
                  "otlp/local": { "Endpoint": "http://localhost:4318", "Headers": { "x-tenant": "demo" }, "Cardinality": { "MaxSeriesPerMetric": 500 } }
                },
                "Service": { "Exporters": [ "newrelic" ], "ShutdownTimeout": "8s", "FeatureGates": [ "receiver.postgresql.useOTelSemconv" ] }
              }
            }
            """);

        var options = host.Services.GetRequiredService<IOptions<PgMetricsOptions>>().Value;

        var primary = Assert.IsType<PostgresqlReceiverConfig>(options.Receivers.Single(r => r.Name == "postgresql"));
        var replica = Assert.IsType<PostgresqlReceiverConfig>(options.Receivers.Single(r => r.Name == "postgresql/replica"));
        Assert.Equal(("db.internal:6432", "pgmetrics", TimeSpan.FromSeconds(30), 250), (primary.Endpoint, primary.Username, primary.CollectionInterval, primary.MaxRelationsPerDatabase));
        Assert.Equal(["shop", "billing"], primary.Databases);
        Assert.True(primary.Tls.InsecureSkipVerify);
        Assert.False(primary.Metrics["postgresql.db_size"]);
        Assert.Equal((true, true, 5, TimeSpan.FromSeconds(60)), (primary.QueryMonitoring.QuerySample.Enabled, primary.QueryMonitoring.TopQuery.Enabled, primary.QueryMonitoring.TopQuery.TopNQuery, primary.QueryMonitoring.TopQuery.CollectionInterval));
        Assert.Equal(3, primary.ConnectionPool.MaxOpen);
        Assert.True(primary.UseOTelSemconv);
        Assert.Equal(PostgresqlTransport.Unix, replica.Transport);
        var newRelic = Assert.IsType<NewRelicExporterConfig>(options.Exporters.Single(e => e.Name == "newrelic"));
        var local = Assert.IsType<OtlpExporterConfig>(options.Exporters.Single(e => e.Name == "otlp/local"));
        Assert.Equal((NewRelicRegion.EU, "nr-key", OtlpCompression.Zstd), (newRelic.Region, newRelic.ApiKey, newRelic.Settings.Compression));
        Assert.Equal(("demo", 500), (local.Headers["x-tenant"], local.Settings.Cardinality.MaxSeriesPerMetric));
        Assert.Equal(["newrelic"], options.Service.Exporters);
        Assert.Equal(TimeSpan.FromSeconds(8), options.Service.ShutdownTimeout);
    }

    [Fact]
    public async Task Mistakes_in_appsettings_stop_the_start_with_the_messages_pgmetrics_validate_gives_for_the_same_yaml()
    {
        using var host = Build("""
            {
              "PgMetrics": {
                "Receivers": { "postgresql": { "CollectionInterval": "soon", "Colour": "red", "MaxConcurrentDatabases": 0 } },
                "Exporters": { "otlp": { } }
              }
            }
            """);
        var yaml = ConfigLoader.Parse("""
            receivers:
              postgresql: {collection_interval: soon, colour: red, max_concurrent_databases: 0}
            exporters:
              otlp: {}
            """, "pgmetrics.yaml", _ => null);

        var failures = await StartFailuresAsync(host);

        Assert.Equal(
            [
                "PgMetrics:Exporters:otlp:endpoint",
                "PgMetrics:Receivers:postgresql:CollectionInterval",
                "PgMetrics:Receivers:postgresql:Colour",
                "PgMetrics:Receivers:postgresql:MaxConcurrentDatabases",
            ],
            failures.Select(f => f[..f.IndexOf(": ", StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        Assert.Equal(4, yaml.Errors.Count);
        Assert.Equal(yaml.Errors.Select(e => e.Message).Order(StringComparer.Ordinal), failures.Select(f => f[(f.IndexOf(": ", StringComparison.Ordinal) + 2)..]).Order(StringComparer.Ordinal));
        Assert.Contains(failures, f => f.EndsWith("'soon' is not a duration; write e.g. 10s, 500ms or 1m30s (units: h, m, s, ms, us)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_app_is_told_it_needs_an_exporter_and_that_the_console_is_the_collectors_alone()
    {
        using var withoutExporters = Build("""{ "PgMetrics": { "Receivers": { "postgresql": { } } } }""");
        using var withConsole = Build("""{ "PgMetrics": { "Receivers": { "postgresql": { } }, "Exporters": { "console": { } } } }""");

        var missing = Assert.Single(await StartFailuresAsync(withoutExporters));
        var console = Assert.Single(await StartFailuresAsync(withConsole));

        Assert.StartsWith("PgMetrics:exporters: at least one exporter is needed", missing, StringComparison.Ordinal);
        Assert.Equal("PgMetrics:Exporters:console: unknown exporter type; PgMetrics has newrelic, otlp", console);
    }

    [Fact]
    public async Task An_app_is_told_that_metadata_files_are_read_by_the_collector_and_how_to_add_its_own_metrics_instead()
    {
        using var host = Build("""
            {
              "PgMetrics": {
                "Receivers": { "postgresql": { "MetadataFiles": [ "shop.yaml" ] } },
                "Exporters": { "otlp": { "Endpoint": "http://localhost:4318" } }
              }
            }
            """);

        var failure = Assert.Single(await StartFailuresAsync(host));

        Assert.StartsWith("PgMetrics:Receivers:postgresql:MetadataFiles: is read by the pgmetrics collector only", failure, StringComparison.Ordinal);
        Assert.Contains("AddMetricSet<TMetricSet>()", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_is_told_that_target_lists_and_sharding_are_the_collectors_own()
    {
        using var host = Build("""
            {
              "PgMetrics": {
                "Receivers": { "postgresql": { "TargetsFile": "targets.yaml", "Discovery": { "Kubernetes": {} } } },
                "Exporters": { "otlp": { "Endpoint": "http://localhost:4318" } },
                "Service": { "Sharding": { "Index": 0, "Count": 2 } }
              }
            }
            """);

        var failures = await StartFailuresAsync(host);

        Assert.Contains(failures, f => f.StartsWith("PgMetrics:Receivers:postgresql:TargetsFile: is read by the pgmetrics collector only", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("PgMetrics:Receivers:postgresql:Discovery: is read by the pgmetrics collector only", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Sharding", StringComparison.Ordinal) && f.Contains("unknown key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Options_set_in_code_are_checked_at_start_with_the_same_messages_named_by_key()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddPgMetrics(options =>
        {
            options.Receivers.Add(new PostgresqlReceiverConfig { Name = "postgresql", Endpoint = "db.internal" });
            options.Exporters.Add(new NewRelicExporterConfig { Name = "newrelic" });
            options.Service = new ServiceConfig { Exporters = ["newrelic", "otlp"] };
        });
        using var host = builder.Build();

        var failures = await StartFailuresAsync(host);

        Assert.Equal(
            [
                "(code): exporters.newrelic.api_key: no license key: set api_key (e.g. ${env:NEW_RELIC_LICENSE_KEY}) or the NEW_RELIC_LICENSE_KEY environment variable",
                "(code): receivers.postgresql.endpoint: 'db.internal' is not host:port, e.g. localhost:5432",
                "(code): service.exporters: 'otlp' is not declared under exporters",
            ],
            failures.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_secret_in_appsettings_is_expanded_from_the_environment_and_never_shown_in_a_message()
    {
        Environment.SetEnvironmentVariable("PGMETRICS_HOSTING_TEST_ENDPOINT", "not-an-endpoint");
        using var host = Build("""{ "PgMetrics": { "Receivers": { "postgresql": { "Endpoint": "${env:PGMETRICS_HOSTING_TEST_ENDPOINT}" } }, "Exporters": { "otlp": { "Endpoint": "http://localhost:4318" } } } }""");

        var failure = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<PgMetricsOptions>>().Value);

        Assert.Equal("PgMetrics:Receivers:postgresql:Endpoint: '${env:PGMETRICS_HOSTING_TEST_ENDPOINT}' is not host:port, e.g. localhost:5432", Assert.Single(failure.Failures));
    }
}
