using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// A monitoring role without pg_monitor (so without pg_read_all_stats) is shown other roles' sessions in
/// pg_stat_activity with no type, state or transaction start, and their WAL senders with no position. The
/// collector sends no number it knows such a role gets wrong, counts the sessions it cannot see as state
/// unknown, and says once which metrics are missing and which GRANT brings them back.
/// </summary>
public sealed class WithoutPgMonitorTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Other_roles_sessions_count_as_unknown_the_numbers_it_cannot_know_are_not_sent_and_the_grant_is_named_once(int major)
    {
        // A cluster of its own without autovacuum: its workers are backends of a database such a role cannot see
        // either, and one arriving mid-test would be counted with the sessions.
        await using var cluster = await PostgresCluster.StartAsync(
            new PostgresClusterOptions(major) { Settings = new Dictionary<string, string> { ["autovacuum"] = "off" } }, Cancel);
        await using var database = await TestDatabase.CreateAsync(cluster, Cancel);
        await using var closed = await TestDatabase.CreateAsync(cluster, Cancel);
        await using var role = await MonitoringRole.CreateAsync(cluster, memberOfPgMonitor: false);
        await role.ExecuteAsSuperuserAsync($"REVOKE CONNECT ON DATABASE {closed.Name} FROM PUBLIC");

        // Another role's sessions in the database: a transaction left open, and a statement running.
        await using var inTransaction = new NpgsqlConnection(database.ConnectionString);
        await inTransaction.OpenAsync(Cancel);
        await using (var begin = new NpgsqlCommand("BEGIN; SELECT txid_current()", inTransaction))
        {
            await begin.ExecuteNonQueryAsync(Cancel);
        }

        await using var busy = new NpgsqlConnection(database.ConnectionString);
        await busy.OpenAsync(Cancel);
        await using var sleep = new NpgsqlCommand("SELECT pg_sleep(600)", busy);
        var sleeping = sleep.ExecuteNonQueryAsync(Cancel);
        await using var standby = await WalReceiver.StartAsync(cluster.ConnectionString, Cancel);
        await Poll.UntilAsync(
            () => SuperuserCountAsync(cluster, $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database.Name}' AND state = 'active' AND pid = {busy.ProcessID}"),
            count => count == 1,
            "the other role's statement to be active",
            Cancel);
        try
        {
            await using var scraper = Scraper(role.ConnectionString, database, closed);
            var problems = new ScrapeProblemLog();
            var first = await CollectedPoints.ScrapeAsync(scraper, Cancel);
            var firstReport = problems.Update(first.Result);
            var hidden = await SuperuserCountAsync(cluster, $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database.Name}' AND usename <> '{role.Name}'");
            var second = await CollectedPoints.ScrapeAsync(scraper, Cancel);
            var secondReport = problems.Update(second.Result);

            Assert.Empty(first.Result.Errors);
            Assert.Equal(2, hidden);

            // Every session is counted; those the role may not see under state unknown, none under a state it cannot know.
            Assert.Equal(hidden, first.Single("postgresql.sessions", p => p.Database == database.Name && p.Attribute("state") == "unknown").Value);
            Assert.DoesNotContain(first.Of("postgresql.sessions", p => p.Database == database.Name && p.Attribute("state") != "unknown"), p => p.Value > 0);

            // What it cannot know is not sent: connection counts, the oldest transaction, xmin horizons, replication lag.
            foreach (var metric in ServerConditions.HiddenWithoutReadAllStats)
            {
                Assert.Empty(first.Of(metric));
            }

            Assert.Contains(first.Points, p => p.Metric == "postgresql.db_size" && p.Database == database.Name && p.Value > 0);
            Assert.DoesNotContain(first.Points, p => p.Metric == "postgresql.db_size" && p.Database == closed.Name);

            // Said once, naming the metrics and the grant; not again on the next scrape.
            var reported = string.Join("\n", firstReport.New);
            Assert.Contains($"role '{role.Name}' lacks pg_read_all_stats", reported, StringComparison.Ordinal);
            Assert.Contains("not collected: postgresql.connection.count, postgresql.connection.utilization, postgresql.transaction.oldest.age, postgresql.backend.xmin.age", reported, StringComparison.Ordinal);
            Assert.Contains("postgresql.sessions counts them under state 'unknown'", reported, StringComparison.Ordinal);
            Assert.Contains($"Fix: GRANT pg_monitor TO {role.Name}", reported, StringComparison.Ordinal);
            Assert.Contains($"may not read the size of database '{closed.Name}'", reported, StringComparison.Ordinal);
            Assert.Contains("not collected for it: postgresql.db_size", reported, StringComparison.Ordinal);
            Assert.Equal(2, first.Result.Conditions.Count);
            Assert.Empty(secondReport.New);
            Assert.Empty(secondReport.Resolved);

            // The same server through a superuser's eyes: the sessions by their state, the transaction's age, the standby's lag.
            await using var superuserScraper = Scraper(cluster.ConnectionString, database, closed);
            var superuser = await CollectedPoints.ScrapeUntilAsync(superuserScraper, s => s.Of("postgresql.wal.lag").Any(), Cancel);
            Assert.Empty(superuser.Result.Conditions);
            Assert.Equal(1, superuser.Single("postgresql.sessions", p => p.Database == database.Name && p.Attribute("state") == "active").Value);
            Assert.Equal(1, superuser.Single("postgresql.sessions", p => p.Database == database.Name && p.Attribute("state") == "idle in transaction").Value);
            Assert.Empty(superuser.Of("postgresql.sessions", p => p.Attribute("state") == "unknown"));
            Assert.Single(superuser.Of("postgresql.transaction.oldest.age", p => p.Database == database.Name));
            Assert.Single(superuser.Of("postgresql.connection.count"));
            Assert.Contains(superuser.Points, p => p.Metric == "postgresql.db_size" && p.Database == closed.Name);
        }
        finally
        {
            await role.ExecuteAsSuperuserAsync($"SELECT pg_cancel_backend({busy.ProcessID})");
            await Assert.ThrowsAsync<PostgresException>(() => sleeping);
        }
    }

    private static PostgresScraper Scraper(string connectionString, TestDatabase database, TestDatabase closed)
        => new(new ScraperOptions { ConnectionString = connectionString, Databases = [database.Name, closed.Name] }, new PostgresqlMetricSet());

    private static async Task<long> SuperuserCountAsync(IPostgresServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(Cancel))!;
    }
}
