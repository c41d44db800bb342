using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// The collector runs as a role that has only pg_monitor: it gets everything a superuser gets, and a
/// query the role may not run is reported once and skipped while the rest is collected.
/// </summary>
public sealed class LeastPrivilegeTests(PostgresServerPool servers)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_pg_monitor_role_collects_every_default_metric_a_superuser_does(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 10)", Cancel);
        await database.ExecuteAsync("VACUUM ANALYZE orders", Cancel);
        await database.ExecuteAsync("SELECT pg_switch_wal()", Cancel);
        await using var role = await MonitoringRole.CreateAsync(server);
        // A standby makes the replication views non-empty; pg_monitor must see their LSN and lag columns too.
        await using var standby = await WalReceiver.StartAsync(server.ConnectionString, Cancel);

        await using var superuserScraper = Scraper(server.ConnectionString, database);
        // The ANALYZE statistics, the standby's first report and the archiving of the switched WAL file
        // show a moment later; wait for all three so both scrapes see the same server.
        var superuser = await CollectedPoints.ScrapeUntilAsync(
            superuserScraper,
            s => s.Of("postgresql.replication.data_delay").Any() && s.Of("postgresql.table.analyze.age").Any(p => p.Table == "orders") && s.Of("postgresql.wal.age").Any(),
            Cancel);
        await using var monitorScraper = Scraper(role.ConnectionString, database);
        var monitor = await CollectedPoints.ScrapeAsync(monitorScraper, Cancel);

        Assert.Empty(monitor.Result.Errors);
        Assert.Empty(monitor.Result.Skipped);
        Assert.Empty(monitor.Result.Conditions);
        Assert.Equal(superuser.MetricNames.Order(StringComparer.Ordinal), monitor.MetricNames.Order(StringComparer.Ordinal));
        Assert.Equal(
            superuser.Of("postgresql.table.size", p => p.Database == database.Name).Select(p => p.Table).Order(StringComparer.Ordinal),
            monitor.Of("postgresql.table.size", p => p.Database == database.Name).Select(p => p.Table).Order(StringComparer.Ordinal));
        Assert.Contains(monitor.Of("postgresql.db_size"), p => p.Database == database.Name && p.Value > 0);
        Assert.Contains(monitor.Of("postgresql.replication_slot.retained_wal"), p => p.Attribute("slot_name") == standby.SlotName);
    }

    [Fact]
    public async Task A_query_the_role_may_not_run_is_reported_once_and_the_rest_is_collected()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await using var role = await MonitoringRole.CreateAsync(server);
        // Only this role loses the right to read the archiver's view; superusers in other tests are unaffected.
        await role.ExecuteAsSuperuserAsync("REVOKE SELECT ON pg_catalog.pg_stat_archiver FROM PUBLIC");
        try
        {
            await using var scraper = Scraper(role.ConnectionString, database);
            var problems = new ScrapeProblemLog();

            var first = await CollectedPoints.ScrapeAsync(scraper, Cancel);
            var firstReport = problems.Update(first.Result);
            var second = await CollectedPoints.ScrapeAsync(scraper, Cancel);
            var secondReport = problems.Update(second.Result);

            var denied = Assert.Single(first.Result.Errors);
            Assert.Equal(ScrapeErrorKind.Permission, denied.Kind);
            Assert.Equal("archiver", denied.Query);
            Assert.Contains("pg_stat_archiver", Assert.Single(firstReport.New), StringComparison.Ordinal);
            Assert.Single(second.Result.Errors);
            Assert.Empty(secondReport.New);
            Assert.DoesNotContain(second.Points, p => p.Metric.StartsWith("postgresql.archiver.", StringComparison.Ordinal));
            Assert.Contains(second.Points, p => p.Metric == "postgresql.commits" && p.Database == database.Name);
            Assert.Contains(second.Points, p => p.Metric == "postgresql.bgwriter.buffers.allocated");
        }
        finally
        {
            await role.ExecuteAsSuperuserAsync("GRANT SELECT ON pg_catalog.pg_stat_archiver TO PUBLIC");
        }
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_database_the_role_may_not_connect_to_is_left_out_once_its_pool_released_and_the_others_keep_their_metrics(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var open = await TestDatabase.CreateAsync(server, Cancel);
        await using var closed = await TestDatabase.CreateAsync(server, Cancel);
        await closed.ExecuteAsync("CREATE TABLE kept_out (id int)", Cancel);
        await using var role = await MonitoringRole.CreateAsync(server);
        await using var scraper = new PostgresScraper(
            new ScraperOptions { ConnectionString = role.ConnectionString, Databases = [open.Name, closed.Name] }, new PostgresqlMetricSet());
        var problems = new ScrapeProblemLog();

        var allowed = await CollectedPoints.ScrapeAsync(scraper, Cancel);
        Assert.Empty(allowed.Result.SkippedDatabases);
        Assert.Contains(closed.Name, scraper.HeldDatabases);
        Assert.Equal(1, allowed.Single("postgresql.table.count", p => p.Database == closed.Name).Value);

        await role.ExecuteAsSuperuserAsync($"REVOKE CONNECT ON DATABASE {closed.Name} FROM PUBLIC");
        var first = await CollectedPoints.ScrapeAsync(scraper, Cancel);
        var firstReport = problems.Update(first.Result);
        var second = await CollectedPoints.ScrapeAsync(scraper, Cancel);
        var secondReport = problems.Update(second.Result);

        Assert.Empty(first.Result.Errors);
        var leftOut = Assert.Single(first.Result.SkippedDatabases);
        Assert.Equal(closed.Name, leftOut.Database);
        Assert.Contains($"GRANT CONNECT ON DATABASE \"{closed.Name}\" TO {role.Name}", Assert.Single(firstReport.New), StringComparison.Ordinal);
        Assert.Empty(secondReport.New);

        // Its pool is closed: no session of the role is left in it. A backend leaves pg_stat_activity a moment after
        // its client hangs up, so the count is given a few seconds to reach zero.
        Assert.DoesNotContain(closed.Name, scraper.HeldDatabases);
        var sessionsLeft = -1L;
        for (var attempt = 0; attempt < 50 && sessionsLeft != 0; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(100, Cancel);
            }

            sessionsLeft = await open.ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE datname = '{closed.Name}' AND usename = '{role.Name}'", Cancel);
        }

        Assert.Equal(0L, sessionsLeft);

        // Per-database queries skip it, values from the main connection still cover it, and the other database loses nothing.
        Assert.DoesNotContain(second.Points, p => p.Metric == "postgresql.table.count" && p.Database == closed.Name);
        Assert.Equal(0, second.Single("postgresql.table.count", p => p.Database == open.Name).Value);
        foreach (var metric in new[] { "postgresql.database.frozen_xid.age", "postgresql.commits", "postgresql.db_size" })
        {
            Assert.Contains(second.Points, p => p.Metric == metric && p.Database == closed.Name);
            Assert.Contains(second.Points, p => p.Metric == metric && p.Database == open.Name);
        }
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Without_pg_read_all_stats_a_database_it_may_not_connect_to_has_no_size_and_costs_the_others_nothing(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var open = await TestDatabase.CreateAsync(server, Cancel);
        await using var closed = await TestDatabase.CreateAsync(server, Cancel);
        await using var role = await MonitoringRole.CreateAsync(server, memberOfPgMonitor: false);
        await role.ExecuteAsSuperuserAsync($"REVOKE CONNECT ON DATABASE {closed.Name} FROM PUBLIC");
        await using var scraper = new PostgresScraper(
            new ScraperOptions { ConnectionString = role.ConnectionString, Databases = [open.Name, closed.Name] }, new PostgresqlMetricSet());

        var scrape = await CollectedPoints.ScrapeAsync(scraper, Cancel);

        // pg_database_size would fail for the closed database and, with it, the whole query for every database.
        Assert.DoesNotContain(scrape.Result.Errors, e => e.Query == "database_stats");
        Assert.Contains(scrape.Points, p => p.Metric == "postgresql.db_size" && p.Database == open.Name && p.Value > 0);
        Assert.DoesNotContain(scrape.Points, p => p.Metric == "postgresql.db_size" && p.Database == closed.Name);
        Assert.Contains(scrape.Points, p => p.Metric == "postgresql.database.frozen_xid.age" && p.Database == closed.Name);
        Assert.Equal(closed.Name, Assert.Single(scrape.Result.SkippedDatabases).Database);
    }

    private static PostgresScraper Scraper(string connectionString, TestDatabase database)
        => new(new ScraperOptions { ConnectionString = connectionString, Databases = [database.Name] }, new PostgresqlMetricSet());
}
