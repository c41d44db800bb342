using PgMetrics.Collector.Config;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Collector.Tests;

/// <summary>
/// The OpenTelemetry postgresql receiver's query monitoring, connection pool and feature gate keys read unchanged,
/// with its defaults, and every mistake in them is named with its place.
/// </summary>
public sealed class QueryMonitoringConfigTests
{
    private const string File = "pgmetrics.yaml";

    private static ConfigLoadResult Parse(string yaml) => ConfigLoader.Parse(yaml, File, _ => null);

    private static PostgresqlReceiverConfig Receiver(string yaml)
    {
        var result = Parse(yaml);
        Assert.Empty(result.Errors);
        return (PostgresqlReceiverConfig)result.Config!.Receivers[0];
    }

    [Fact]
    public void The_receivers_query_sample_top_query_events_and_connection_pool_keys_are_read()
    {
        var receiver = Receiver("""
            receivers:
              postgresql:
                endpoint: localhost:5432
                collection_interval: 10s
                events:
                  db.server.query_sample:
                    enabled: true
                  db.server.top_query:
                    enabled: true
                query_sample_collection:
                  max_rows_per_query: 100
                top_query_collection:
                  top_n_query: 50
                  max_rows_per_query: 500
                  max_explain_each_interval: 10
                  query_plan_cache_size: 200
                  query_plan_cache_ttl: 30m
                  collection_interval: 60s
                connection_pool:
                  max_idle_time: 10m
                  max_lifetime: 0
                  max_idle: 2
                  max_open: 5
            """);

        var (sample, top, pool) = (receiver.QueryMonitoring.QuerySample, receiver.QueryMonitoring.TopQuery, receiver.ConnectionPool);
        Assert.Equal((true, 100), (sample.Enabled, sample.MaxRowsPerQuery));
        Assert.Equal((true, 50, 500, 10, 200), (top.Enabled, top.TopNQuery, top.MaxRowsPerQuery, top.MaxExplainEachInterval, top.QueryPlanCacheSize));
        Assert.Equal((TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(60)), (top.QueryPlanCacheTtl, top.CollectionInterval));
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.Zero, 2, 5), (pool.MaxIdleTime, pool.MaxLifetime, pool.MaxIdle, pool.MaxOpen));
    }

    [Fact]
    public void Without_the_keys_both_events_are_off_with_the_receivers_defaults()
    {
        var monitoring = Receiver("receivers:\n  postgresql: {}\n").QueryMonitoring;

        Assert.False(monitoring.Enabled);
        Assert.Equal(1000, monitoring.QuerySample.MaxRowsPerQuery);
        Assert.Equal((200, 1000, 1000, 1000, TimeSpan.FromHours(1)), (monitoring.TopQuery.TopNQuery, monitoring.TopQuery.MaxRowsPerQuery, monitoring.TopQuery.MaxExplainEachInterval, monitoring.TopQuery.QueryPlanCacheSize, monitoring.TopQuery.QueryPlanCacheTtl));
    }

    [Fact]
    public void The_older_query_monitoring_key_turns_both_events_on_and_top_n_is_top_n_query()
    {
        var monitoring = Receiver("receivers:\n  postgresql:\n    query_monitoring: {enabled: true, top_n: 7}\n").QueryMonitoring;

        Assert.Equal((true, true, 7), (monitoring.QuerySample.Enabled, monitoring.TopQuery.Enabled, monitoring.TopQuery.TopNQuery));
    }

    [Theory]
    [InlineData("[receiver.postgresql.useOTelSemconv]", true)]
    [InlineData("[+receiver.postgresql.useOTelSemconv]", true)]
    [InlineData("[receiver.postgresql.useOTelSemconv, -receiver.postgresql.useOTelSemconv]", false)]
    [InlineData("[receiver.postgresql.separateSchemaAttr]", false)]
    [InlineData("[]", false)]
    public void The_semconv_feature_gate_reaches_every_postgresql_receiver(string gates, bool semconv)
    {
        var result = Parse($"receivers:\n  postgresql: {{}}\n  postgresql/replica: {{endpoint: replica:5432}}\nservice:\n  feature_gates: {gates}\n");

        Assert.Empty(result.Errors);
        Assert.All(result.Config!.Receivers, r => Assert.Equal(semconv, ((PostgresqlReceiverConfig)r).UseOTelSemconv));
    }

    public static TheoryData<string, int, int, string, string> Mistakes => new()
    {
        { "receivers:\n  postgresql:\n    events:\n      db.server.bogus_event: {enabled: true}\n", 4, 7, "receivers.postgresql.events.db.server.bogus_event", "unknown key" },
        { "receivers:\n  postgresql:\n    events:\n      db.server.top_query: {enabled: sometimes}\n", 4, 38, "receivers.postgresql.events.db.server.top_query.enabled", "not true or false" },
        { "receivers:\n  postgresql:\n    top_query_collection: {top_n_query: 0}\n", 3, 41, "receivers.postgresql.top_query_collection.top_n_query", "at least 1" },
        { "receivers:\n  postgresql:\n    top_query_collection: {max_query_length: 100}\n", 3, 28, "receivers.postgresql.top_query_collection.max_query_length", "unknown key" },
        { "receivers:\n  postgresql:\n    top_query_collection: {query_plan_cache_ttl: an hour}\n", 3, 50, "receivers.postgresql.top_query_collection.query_plan_cache_ttl", "not a duration" },
        { "receivers:\n  postgresql:\n    query_sample_collection: {collection_interval: 5s}\n", 3, 31, "receivers.postgresql.query_sample_collection.collection_interval", "unknown key" },
        { "receivers:\n  postgresql:\n    query_sample_collection: {max_rows_per_query: 0}\n", 3, 51, "receivers.postgresql.query_sample_collection.max_rows_per_query", "at least 1" },
        { "receivers:\n  postgresql:\n    connection_pool: {max_open: -1}\n", 3, 33, "receivers.postgresql.connection_pool.max_open", "at least 0" },
        { "receivers:\n  postgresql:\n    connection_pool: {max_idle_time: forever}\n", 3, 38, "receivers.postgresql.connection_pool.max_idle_time", "not a duration" },
        { "receivers:\n  postgresql:\n    query_monitoring: {enabled: true, long_running_threshold: 30s}\n", 3, 63, "receivers.postgresql.query_monitoring.long_running_threshold", "postgresql.total_exec_time" },
        { "receivers:\n  postgresql:\n    query_monitoring: {enabled: true}\n    events: {db.server.top_query: {enabled: true}}\n", 3, 23, "receivers.postgresql.query_monitoring", "give one of the two" },
        { "receivers:\n  postgresql:\n    collection_interval: 60s\n    top_query_collection: {collection_interval: 10s}\n", 4, 49, "receivers.postgresql.top_query_collection.collection_interval", "shorter than the receiver's collection_interval" },
        { "receivers:\n  postgresql: {}\nservice:\n  feature_gates: [receiver.postgresql.useOtelSemconv]\n", 4, 18, "service.feature_gates", "'receiver.postgresql.useOtelSemconv' is not a feature gate PgMetrics knows" },
        { "receivers:\n  postgresql: {}\nservice:\n  feature_gates: [receiver.postgresql.useOTelSemconv, receiver.postgresql.separateSchemaAttr]\n", 4, 18, "service.feature_gates", "mutually exclusive" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_in_the_new_keys_is_named_with_file_line_column_and_key(string yaml, int line, int column, string key, string message)
    {
        var result = Parse(yaml);

        Assert.Null(result.Config);
        var error = Assert.Single(result.Errors, e => e.Key == key);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal((File, line, column), (error.File, error.Line, error.Column));
    }

    [Fact]
    public void The_receivers_readme_examples_read_unchanged()
    {
        foreach (var block in new[]
        {
            "    events:\n      db.server.query_sample:\n        enabled: true\n    query_sample_collection:\n      max_rows_per_query: 100\n",
            "    events:\n      db.server.top_query:\n        enabled: true\n    top_query_collection:\n      max_rows_per_query: 100\n      top_n_query: 100\n",
            "    connection_pool:\n      max_idle_time: 10m\n      max_lifetime: 0\n      max_idle: 2\n      max_open: 5\n",
        })
        {
            var result = Parse("receivers:\n  postgresql:\n    endpoint: localhost:5432\n    username: otel\n    password: secret\n" + block);
            Assert.Empty(result.Errors);
        }
    }
}
