using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Queries;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// Nothing fails because a server is in recovery: the whole catalogue, every metric enabled and query
/// monitoring on, runs on a standby and on a cascading standby without a single query error, as a
/// superuser and as a role with only pg_monitor.
/// </summary>
[Collection(ReplicationClusters.Collection)]
public sealed class StandbyCatalogueTests(ReplicationClusters topologies)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// What these standbys have nothing to report for: no subscriptions (they do not run on a standby),
    /// slots or prepared transactions; no vacuum, analyze or archiving of their own (those times are each
    /// server's own statistics); no pgvector.
    /// </summary>
    private static readonly string[] NothingToReport =
    [
        "postgresql.subscription.active", "postgresql.subscription.data_delay", "postgresql.subscription.last_message.age", "postgresql.subscription.errors",
        "postgresql.replication_slot.active", "postgresql.replication_slot.retained_wal", "postgresql.replication_slot.data_delay",
        "postgresql.replication_slot.xmin.age", "postgresql.replication_slot.catalog_xmin.age",
        "postgresql.prepared_transaction.age", "postgresql.prepared_transaction.xmin.age",
        "postgresql.table.vacuum.age", "postgresql.table.analyze.age", "postgresql.wal.age",
        "postgresql.vector.insert.duration", "postgresql.vector.insert.rows",
        "postgresql.vector.search.calls", "postgresql.vector.search.duration", "postgresql.vector.search.rows_returned",
    ];

    /// <summary>What depends on other sessions at the moment of the scrape: an open client transaction on the standby.</summary>
    private static readonly string[] OtherSessions = ["postgresql.transaction.oldest.age"];

    /// <summary>What a server reports about the standbys streaming from it: only the standby in the middle has one, the cascade.</summary>
    private static readonly string[] AboutItsOwnStandbys = ["postgresql.wal.lag", "postgresql.wal.delay", "postgresql.replication.data_delay", "postgresql.replication.xmin.age"];

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Every_catalogue_query_runs_without_error_on_a_standby_and_on_a_cascading_standby(int major)
    {
        var topology = await topologies.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(topology.Primary, Cancel);
        await database.ExecuteAsync(
            """
            CREATE EXTENSION pg_stat_statements;
            CREATE TABLE items (id int PRIMARY KEY, note text);
            CREATE FUNCTION item_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM items';
            INSERT INTO items SELECT g, 'n' FROM generate_series(1, 500) g;
            ANALYZE items;
            """,
            Cancel);
        // Both: the cascade may replay ahead of the standby it streams from (a standby passes on WAL it has received).
        await topology.WaitForReplayAsync(topology.Standby, Cancel);
        await topology.WaitForReplayAsync(topology.Cascade, Cancel);

        foreach (var standby in new[] { topology.Standby, topology.Cascade })
        {
            // Reads on the standby itself, so its own statistics have something to count.
            await ServerSql.ExecuteAsync(ServerSql.InDatabase(standby.ConnectionString, database.Name), "SELECT item_count(), count(*) FROM items WHERE id < 10", Cancel);
            await using var scraper = new PostgresScraper(
                new ScraperOptions
                {
                    ConnectionString = ServerSql.InDatabase(standby.ConnectionString, database.Name),
                    Databases = [database.Name, "postgres"],
                    QueryMonitoring = new QueryMonitoringOptions { QuerySample = new() { Enabled = true }, TopQuery = new() { Enabled = true } },
                },
                AllMetrics());

            var scrape = await Poll.UntilAsync(
                () => CollectedPoints.ScrapeAsync(scraper, Cancel),
                s => s.Of("postgresql.table.size", p => p.Table == "items").Any()
                     && s.Of("postgresql.wal_receiver.status", p => p.Attribute("status") == "streaming").Any(p => p.Value == 1)
                     && (standby != topology.Standby || s.Of("postgresql.replication.xmin.age").Any())
                     // The standby's statistics count item_count() once its session's counts are flushed, a moment after it ends.
                     && s.Of("postgresql.function.calls").Any(),
                $"the items table, item_count()'s calls and a streaming WAL receiver on port {standby.Port}", Cancel, s => s.ToString());

            Assert.Empty(scrape.Result.Errors);
            Assert.All(scrape.Result.Skipped, s => Assert.StartsWith("vector_", s.Query, StringComparison.Ordinal));
            Assert.Equal(1, scrape.Single("postgresql.recovery.active").Value);
            var expected = PostgresqlMetricsConfig.MetricNames
                .Where(name => !NothingToReport.Contains(name) && !OtherSessions.Contains(name) && !CatalogueCoverageTests.RecordedByQueryMonitoring.Contains(name))
                .Where(name => standby == topology.Standby || !AboutItsOwnStandbys.Contains(name))
                .Where(name => !CatalogueCoverageTests.IntroducedIn.TryGetValue(name, out var since) || major >= since)
                .Order(StringComparer.Ordinal);
            // Query monitoring's own metrics come and go with the statements run between scrapes; its queries ran without error above.
            Assert.Equal(expected, scrape.MetricNames.Where(name => !CatalogueCoverageTests.RecordedByQueryMonitoring.Contains(name) && !OtherSessions.Contains(name)).Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_pg_monitor_role_on_a_standby_collects_every_default_metric_a_superuser_does(int major)
    {
        var topology = await topologies.GetAsync(major, Cancel);
        // Created on the primary; the standby has it once it has replayed that far.
        await using var role = await MonitoringRole.CreateAsync(topology.Primary);
        await topology.WaitForReplayAsync(topology.Standby, Cancel);
        await using var superuser = new TopologyScraper(topology.Standby);
        await using var monitor = TopologyScraper.AsRole(topology.Standby, role);

        var asSuperuser = await superuser.ScrapeUntilAsync(
            s => s.Of("postgresql.wal_receiver.last_message.age").Any() && s.Of("postgresql.replication.xmin.age").Any(),
            "the standby's receiver and its cascade's feedback", Cancel);
        var asMonitor = await monitor.ScrapeAsync(Cancel);

        Assert.Empty(asMonitor.Result.Errors);
        Assert.Empty(asMonitor.Result.Skipped);
        Assert.Equal(asSuperuser.MetricNames.Order(StringComparer.Ordinal), asMonitor.MetricNames.Order(StringComparer.Ordinal));
        Assert.Equal(
            asSuperuser.Of("postgresql.wal_receiver.status").Select(p => (p.Attribute("status"), p.Attribute("sender_host"), p.Attribute("sender_port"), p.Value)).Order(),
            asMonitor.Of("postgresql.wal_receiver.status").Select(p => (p.Attribute("status"), p.Attribute("sender_host"), p.Attribute("sender_port"), p.Value)).Order());
    }

    private static PostgresqlMetricSet AllMetrics()
    {
        var config = new PostgresqlMetricsConfig();
        foreach (var name in PostgresqlMetricsConfig.MetricNames)
        {
            config.Find(name)!.Enabled = true;
        }

        return new PostgresqlMetricSet(config);
    }
}
