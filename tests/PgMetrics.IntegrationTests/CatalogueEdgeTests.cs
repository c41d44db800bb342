using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// Catalogue values where servers differ from the usual: multixact ID age beside the transaction ID age, two
/// replication clients on one host, and names an SQL_ASCII database holds as bytes that are not UTF-8.
/// </summary>
public sealed class CatalogueEdgeTests(PostgresServerPool servers)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task The_multixact_age_of_every_database_templates_included_is_the_servers_mxid_age_of_datminmxid(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE TABLE shared (id int PRIMARY KEY); INSERT INTO shared VALUES (1)", Cancel);
        // Two transactions holding one row lock share a multixact ID, so the server has handed out at least one.
        await using (var first = new NpgsqlConnection(database.ConnectionString))
        await using (var second = new NpgsqlConnection(database.ConnectionString))
        {
            await first.OpenAsync(Cancel);
            await second.OpenAsync(Cancel);
            await using var lockOne = new NpgsqlCommand("BEGIN; SELECT id FROM shared FOR SHARE", first);
            await lockOne.ExecuteNonQueryAsync(Cancel);
            await using var lockTwo = new NpgsqlCommand("BEGIN; SELECT id FROM shared FOR SHARE; COMMIT", second);
            await lockTwo.ExecuteNonQueryAsync(Cancel);
            await using var commit = new NpgsqlCommand("COMMIT", first);
            await commit.ExecuteNonQueryAsync(Cancel);
        }

        string[] databases = ["template0", "template1", database.Name];
        var sql = $"SELECT datname, mxid_age(datminmxid)::bigint FROM pg_database WHERE datname IN ('{string.Join("', '", databases)}')";
        var before = await ReadAgesAsync(server, sql);
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = server.ConnectionString, Databases = databases }, new PostgresqlMetricSet());

        var scrape = await CollectedPoints.ScrapeAsync(scraper, Cancel);
        var after = await ReadAgesAsync(server, sql);

        Assert.Empty(scrape.Result.Errors);
        foreach (var name in databases)
        {
            // Other tests' multixacts age it meanwhile, and a vacuum may lower it: the value lies between the two readings.
            var age = scrape.Single("postgresql.database.frozen_mxid.age", p => p.Database == name).Value;
            Assert.InRange(age, Math.Min(before[name], after[name]), Math.Max(before[name], after[name]));
            Assert.True(age > 0, $"{name}: {age}");
        }
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Two_replication_clients_from_one_address_with_one_application_name_are_two_series_told_apart_by_pid(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        var name = "pgm_pair_" + Guid.NewGuid().ToString("N")[..8];
        await using var one = await WalReceiver.StartAsync(server.ConnectionString, Cancel, applicationName: name);
        await using var two = await WalReceiver.StartAsync(server.ConnectionString, Cancel, applicationName: name);
        // A client reports its replay position once WAL reaches it: the probe writes some, until both have.
        await database.ExecuteAsync("CREATE TABLE wal_maker (id int)", Cancel);
        var pids = await Poll.UntilAsync(
            async () =>
            {
                await database.ExecuteAsync("INSERT INTO wal_maker VALUES (1)", Cancel);
                return await ReadPidsAsync(server, $"SELECT pid FROM pg_stat_replication WHERE application_name = '{name}' AND replay_lsn IS NOT NULL ORDER BY pid");
            },
            found => found.Count == 2,
            "both clients in pg_stat_replication with a replay position",
            Cancel,
            found => string.Join(", ", found));
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = server.ConnectionString, Databases = [database.Name] }, new PostgresqlMetricSet());

        var scrape = await CollectedPoints.ScrapeAsync(scraper, Cancel);

        var lag = scrape.Of("postgresql.wal.lag", p => p.Attribute("postgresql.application_name") == name).ToList();
        Assert.Equal(6, lag.Count);
        Assert.All(lag, p => Assert.Equal("127.0.0.1", p.Attribute("replication_client")));
        Assert.Equal(6, lag.Select(p => (p.Attribute("operation"), p.Attribute("postgresql.pid"))).Distinct().Count());
        Assert.Equal(pids.Select(pid => pid.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), lag.Select(p => p.Attribute("postgresql.pid")!).Distinct().Order(StringComparer.Ordinal));
        var delay = scrape.Of("postgresql.replication.data_delay", p => p.Attribute("postgresql.application_name") == name).ToList();
        Assert.Equal(2, delay.Select(p => p.Attribute("postgresql.pid")).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_table_name_that_is_not_UTF8_in_an_SQL_ASCII_database_costs_only_its_own_spelling(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel, "ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        // The client speaks UTF-8, which the server checks; E'\xe9' is the one way to put the byte 0xE9 alone into a name.
        await database.ExecuteAsync(
            """
            DO $$ BEGIN EXECUTE 'CREATE TABLE ' || quote_ident('caf' || E'\xe9') || ' (id int PRIMARY KEY)'; END $$;
            CREATE TABLE "café" (id int PRIMARY KEY);
            CREATE TABLE plain (id int PRIMARY KEY);
            """,
            Cancel);
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = server.ConnectionString, Databases = [database.Name] }, new PostgresqlMetricSet());

        var scrape = await CollectedPoints.ScrapeAsync(scraper, Cancel);

        Assert.Empty(scrape.Result.Errors);
        Assert.Equal(["caf\\xe9", "café", "plain"], scrape.Of("postgresql.table.size", p => p.Database == database.Name).Select(p => p.Table!).Order(StringComparer.Ordinal));
        Assert.Equal(
            [("caf\\xe9", "caf\\xe9_pkey"), ("café", "café_pkey"), ("plain", "plain_pkey")],
            scrape.Of("postgresql.index.size", p => p.Database == database.Name).Select(p => (p.Table!, p.Index!)).OrderBy(p => p.Item1, StringComparer.Ordinal));
        Assert.Equal(3, scrape.Single("postgresql.table.count", p => p.Database == database.Name).Value);
    }

    private static async Task<Dictionary<string, long>> ReadAgesAsync(IPostgresServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        var ages = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(Cancel))
        {
            ages[reader.GetString(0)] = reader.GetInt64(1);
        }

        return ages;
    }

    private static async Task<IReadOnlyList<int>> ReadPidsAsync(IPostgresServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        var pids = new List<int>();
        while (await reader.ReadAsync(Cancel))
        {
            pids.Add(reader.GetInt32(0));
        }

        return pids;
    }
}
