using PgMetrics.Collector.Config;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Pgbouncer;

namespace PgMetrics.Collector.Tests;

/// <summary>A <c>pgbouncer</c> receiver block is read like the postgresql one, and its mistakes are named with their place.</summary>
public sealed class PgbouncerReceiverConfigTests
{
    private const string File = "pgmetrics.yaml";

    private static ConfigLoadResult Parse(string yaml)
        => ConfigLoader.Parse(yaml, File, name => name == "PGBOUNCER_STATS_PASSWORD" ? "st4ts-S3cret" : null);

    [Fact]
    public void A_pgbouncer_block_is_read_with_every_key_beside_a_postgresql_receiver()
    {
        var result = Parse("""
            receivers:
              postgresql:
                endpoint: localhost:6432
                tls: {insecure: true}
              pgbouncer:
                endpoint: localhost:6432
                username: stats
                password: ${env:PGBOUNCER_STATS_PASSWORD}
                collection_interval: 15s
                initial_delay: 0s
                timeout: 5s
                tls: {insecure_skip_verify: true}
                metrics:
                  pgbouncer.client.connections: {enabled: false}
                resource_attributes:
                  pgbouncer.user.name: {enabled: false}
              pgbouncer/sidecar:
                endpoint: /var/run/postgresql:6432
                transport: unix
            """);

        Assert.Empty(result.Errors);
        var pgbouncer = (PgbouncerReceiverConfig)result.Config!.Receivers[1];
        var sidecar = (PgbouncerReceiverConfig)result.Config.Receivers[2];
        Assert.Equal(("stats", "st4ts-S3cret", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5)), (pgbouncer.Username, pgbouncer.Password, pgbouncer.CollectionInterval, pgbouncer.Timeout));
        var console = PgbouncerReceiverFactory.ToConsoleOptions(pgbouncer);
        Assert.Equal(("localhost", 6432, AdminConsoleTlsMode.Require, false), (console.Host, console.Port, console.Tls.Mode, console.UnixSocket));
        var set = PgbouncerReceiverFactory.ToMetricSet(pgbouncer);
        Assert.False(set.Config.PgbouncerClientConnections.Enabled);
        Assert.False(set.Config.ResourceAttributes.PgbouncerUserName.Enabled);
        Assert.True(set.Config.PgbouncerPoolClientConnections.Enabled);
        var socket = PgbouncerReceiverFactory.ToConsoleOptions(sidecar);
        Assert.Equal(("/var/run/postgresql", 6432, true, AdminConsoleTlsMode.Disable, "pgbouncer"), (socket.Host, socket.Port, socket.UnixSocket, socket.Tls.Mode, socket.Username));
        Assert.DoesNotContain("st4ts", pgbouncer.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string, int, int, string, string> Mistakes => new()
    {
        { "receivers:\n  pgbouncer:\n    databases: [app]\n", 3, 5, "receivers.pgbouncer.databases", "unknown key" },
        { "receivers:\n  pgbouncer:\n    endpoint: pgbouncer\n", 3, 15, "receivers.pgbouncer.endpoint", "not host:port, e.g. localhost:6432" },
        { "receivers:\n  pgbouncer:\n    metrics:\n      pgbouncer.pool.clients: {enabled: false}\n", 4, 7, "receivers.pgbouncer.metrics.pgbouncer.pool.clients", "unknown metric" },
        { "receivers:\n  pgbouncer:\n    metrics:\n      postgresql.commits: {enabled: false}\n", 4, 7, "receivers.pgbouncer.metrics.postgresql.commits", "unknown metric" },
        { "receivers:\n  pgbouncer:\n    password: ${env:NOT_SET_ANYWHERE}\n", 3, 15, "receivers.pgbouncer.password", "NOT_SET_ANYWHERE is not set" },
        { "receivers:\n  pgbouncer:\n    collection_interval: 0s\n", 3, 26, "receivers.pgbouncer.collection_interval", "greater than zero" },
        { "receivers:\n  pgbouncer:\n    transport: udp\n", 3, 16, "receivers.pgbouncer.transport", "'udp' is not one of tcp, unix" },
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
}
