using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// Servers set up unlike the default: one whose table counters are frozen (<c>track_counts</c> off) is said so
/// once, and one without a <c>postgres</c> database is scraped through <c>connect_database</c>.
/// </summary>
public sealed class ServerConditionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task With_track_counts_off_the_frozen_counters_are_named_once_and_the_end_is_reported_when_it_is_back_on(int major)
    {
        // A cluster of its own, as the setting is the whole server's; set in postgresql.auto.conf, where ALTER SYSTEM can undo it.
        await using var cluster = await PostgresCluster.StartAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(cluster, Cancel);
        await database.ExecuteAsync("ALTER SYSTEM SET track_counts = off", Cancel);
        await database.ExecuteAsync("SELECT pg_reload_conf()", Cancel);
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = cluster.ConnectionString, Databases = [database.Name] }, new PostgresqlMetricSet());
        var problems = new ScrapeProblemLog();
        // Sessions take a reloaded setting when they next read the configuration file, a moment later.
        await CollectedPoints.ScrapeUntilAsync(scraper, s => s.Result.Conditions.Count > 0, Cancel);
        await database.ExecuteAsync("CREATE TABLE orders (id int); INSERT INTO orders SELECT generate_series(1, 10)", Cancel);

        var first = await CollectedPoints.ScrapeAsync(scraper, Cancel);
        var firstReport = problems.Update(first.Result);
        var second = await CollectedPoints.ScrapeAsync(scraper, Cancel);
        var secondReport = problems.Update(second.Result);

        Assert.Empty(first.Result.Errors);
        var reported = Assert.Single(firstReport.New);
        Assert.StartsWith("track_counts is off, so the server does not count table, index and database activity", reported, StringComparison.Ordinal);
        Assert.Contains("frozen at their last values: ", reported, StringComparison.Ordinal);
        foreach (var metric in new[] { "postgresql.rows", "postgresql.operations", "postgresql.index.scans", "postgresql.blocks_read" })
        {
            Assert.Contains(metric, reported, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("postgresql.commits", reported, StringComparison.Ordinal);
        Assert.EndsWith("Fix: ALTER SYSTEM SET track_counts = on; SELECT pg_reload_conf()", reported, StringComparison.Ordinal);
        Assert.Empty(secondReport.New);

        // The counters really are frozen: the ten rows inserted are not counted.
        Assert.Equal(0, first.Single("postgresql.operations", p => p.Table == "orders" && p.Attribute("operation") == "ins").Value);

        await database.ExecuteAsync("ALTER SYSTEM RESET track_counts", Cancel);
        await database.ExecuteAsync("SELECT pg_reload_conf()", Cancel);
        var back = await CollectedPoints.ScrapeUntilAsync(scraper, s => s.Result.Conditions.Count == 0, Cancel);
        var backReport = problems.Update(back.Result);
        Assert.Empty(back.Result.Conditions);
        Assert.Equal("no longer the case: track_counts is off, so the server does not count table, index and database activity (and autovacuum does not run)", Assert.Single(backReport.Resolved));
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_server_without_a_postgres_database_is_scraped_through_connect_database(int major)
    {
        await using var cluster = await PostgresCluster.StartAsync(major, Cancel);
        var superuser = new NpgsqlConnectionStringBuilder(cluster.ConnectionString);
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(superuser.ConnectionString) { Database = "template1", Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync(Cancel);
            await using var drop = new NpgsqlCommand("DROP DATABASE postgres; CREATE DATABASE app", connection);
            await drop.ExecuteNonQueryAsync(Cancel);
        }

        var receiver = new PostgresqlReceiverConfig
        {
            Name = "postgresql",
            Endpoint = $"{superuser.Host}:{superuser.Port}",
            Username = superuser.Username,
            Tls = new TlsConfig { Insecure = true },
        };

        await using (var byDefault = new PostgresScraper(PostgresqlReceiverFactory.ToScraperOptions(receiver), new PostgresqlMetricSet()))
        {
            var failed = await CollectedPoints.ScrapeAsync(byDefault, Cancel);
            Assert.Contains("\"postgres\" does not exist", Assert.Single(failed.Result.Errors).Message, StringComparison.Ordinal);
        }

        await using var scraper = new PostgresScraper(PostgresqlReceiverFactory.ToScraperOptions(receiver with { ConnectDatabase = "app" }), new PostgresqlMetricSet());
        var scrape = await CollectedPoints.ScrapeAsync(scraper, Cancel);

        Assert.Empty(scrape.Result.Errors);
        Assert.Equal(["app", "template0", "template1"], scrape.Result.Databases);
        Assert.Single(scrape.Of("postgresql.connection.max"));
        Assert.Single(scrape.Of("postgresql.table.count", p => p.Database == "app"));
    }
}
