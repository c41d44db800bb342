using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>Collected values agree with what the server's own views and functions say, on every version.</summary>
public sealed class CatalogueTests(PostgresServerPool servers)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Commits_and_rollbacks_grow_by_the_transactions_run(int major)
    {
        // A cluster of the test's own, autovacuum off: on the shared servers other tests' scrapes of every database
        // and autovacuum's visits commit in the test database at any moment (CI saw 6 and 8 where 3 ran), so no exact
        // count could hold there. Here the test's own sessions are the only ones in its database.
        await using var server = await PostgresCluster.StartAsync(new PostgresClusterOptions(major) { Settings = new Dictionary<string, string> { ["autovacuum"] = "off" } }, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE TABLE orders (id int)", Cancel);

        // Without type loading Npgsql sends nothing when it connects; whatever the server itself counts for a
        // session that runs no statement is measured here, the same way, rather than assumed.
        var quiet = new NpgsqlDataSourceBuilder(database.ConnectionString);
        quiet.ConfigureTypeLoading(typeLoading => typeLoading.EnableTypeLoading(false));
        await using var dataSource = quiet.Build();
        var before = await WaitForSettledStatsAsync(server, database);
        await using (await dataSource.OpenConnectionAsync(Cancel))
        {
        }

        var afterIdle = await WaitForSettledStatsAsync(server, database);
        var session = (Commits: Delta(afterIdle, before, "postgresql.commits"), Rollbacks: Delta(afterIdle, before, "postgresql.rollbacks"));

        await using (var connection = await dataSource.OpenConnectionAsync(Cancel))
        {
            for (var i = 0; i < 3; i++)
            {
                await using var commit = await connection.BeginTransactionAsync(Cancel);
                await new NpgsqlCommand($"INSERT INTO orders VALUES ({i})", connection, commit).ExecuteNonQueryAsync(Cancel);
                await commit.CommitAsync(Cancel);
            }

            for (var i = 0; i < 2; i++)
            {
                await using var rollback = await connection.BeginTransactionAsync(Cancel);
                await new NpgsqlCommand("INSERT INTO orders VALUES (-1)", connection, rollback).ExecuteNonQueryAsync(Cancel);
                await rollback.RollbackAsync(Cancel);
            }
        }

        // Statistics reach pg_stat_database asynchronously (at the latest when the session ends); wait for them rather than assume a delay.
        await WaitForStatsAsync(server, database, s =>
            Delta(s, afterIdle, "postgresql.rollbacks") >= session.Rollbacks + 2 && Delta(s, afterIdle, "postgresql.commits") >= session.Commits + 3);
        var after = await WaitForSettledStatsAsync(server, database);

        Assert.Equal(session.Commits + 3, Delta(after, afterIdle, "postgresql.commits"));
        Assert.Equal(session.Rollbacks + 2, Delta(after, afterIdle, "postgresql.rollbacks"));
        // Nothing else runs in the database, so the scraped value is the server's, read after the scrape.
        Assert.Equal(await database.ScalarAsync<long>($"SELECT xact_commit FROM pg_stat_database WHERE datname = '{database.Name}'", Cancel), after.Value("postgresql.commits", database.Name));

        long Delta(Scrape later, Scrape earlier, string metric) => later.Value(metric, database.Name) - earlier.Value(metric, database.Name);
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Db_size_equals_pg_database_size(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE TABLE filler AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 20000) g", Cancel);
        await database.ExecuteAsync("CHECKPOINT", Cancel);

        var expected = await database.ScalarAsync<long>($"SELECT pg_database_size('{database.Name}')", Cancel);
        var scrape = await Scrape.RunAsync(server.ConnectionString, [database.Name], Cancel);

        Assert.True(expected > 4_000_000, $"the filler table should make the database larger than 4 MB, was {expected}");
        Assert.Equal(expected, scrape.Value("postgresql.db_size", database.Name));
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Connection_max_and_database_count_match_the_server_settings(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);

        var expectedMax = long.Parse(await database.ScalarAsync<string>("SHOW max_connections", Cancel), System.Globalization.CultureInfo.InvariantCulture);
        // Other tests create and drop databases on the same server; compare against a count that did
        // not change while the scrape ran.
        const string CountSql = "SELECT count(*) FROM pg_database WHERE NOT datistemplate";
        Scrape scrape;
        long expectedCount;
        var attempts = 0;
        do
        {
            var before = await database.ScalarAsync<long>(CountSql, Cancel);
            scrape = await Scrape.RunAsync(server.ConnectionString, [database.Name], Cancel);
            expectedCount = await database.ScalarAsync<long>(CountSql, Cancel);
            if (before == expectedCount)
            {
                break;
            }
        }
        while (++attempts < 20);

        Assert.Equal(expectedMax, scrape.Value("postgresql.connection.max", null));
        Assert.Equal(expectedCount, scrape.Value("postgresql.database.count", null));
        Assert.True(expectedCount >= 2, "postgres and the test's own database");
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Backends_counts_the_connections_open_to_the_database(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        var open = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var connection = new NpgsqlConnection(database.ConnectionString);
                await connection.OpenAsync(Cancel);
                open.Add(connection);
            }

            var scrape = await WaitForStatsAsync(server, database, s => s.Value("postgresql.backends", database.Name) == 3);

            Assert.Equal(3, scrape.Value("postgresql.backends", database.Name));
        }
        finally
        {
            foreach (var connection in open)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Excluded_databases_are_not_collected(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var kept = await TestDatabase.CreateAsync(server, Cancel);
        await using var excluded = await TestDatabase.CreateAsync(server, Cancel);

        var scrape = await Scrape.RunAsync(server.ConnectionString, [], Cancel, excludeDatabases: [excluded.Name, "postgres"]);

        Assert.Contains(kept.Name, scrape.DatabaseNames);
        Assert.DoesNotContain(excluded.Name, scrape.DatabaseNames);
        Assert.DoesNotContain("postgres", scrape.DatabaseNames);

        // Templates are databases too: their transaction IDs age like any other's.
        Assert.True(scrape.Value("postgresql.database.frozen_xid.age", "template0") > 0);
        Assert.True(scrape.Value("postgresql.database.frozen_xid.age", "template1") > 0);
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Values_from_pg_database_cover_templates_and_databases_that_refuse_connections_without_connecting_to_them(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var open = await TestDatabase.CreateAsync(server, Cancel);
        await using var refusing = await TestDatabase.CreateAsync(server, Cancel);
        await open.ExecuteAsync($"ALTER DATABASE {refusing.Name} ALLOW_CONNECTIONS false", Cancel);
        string[] databases = ["template0", "template1", refusing.Name, open.Name];
        var serverSql = $"SELECT datname, age(datfrozenxid)::bigint, pg_database_size(oid) FROM pg_database WHERE datname IN ('{string.Join("', '", databases)}')";
        var before = await ReadAsync(server, serverSql);
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = server.ConnectionString, Databases = databases }, new PostgresqlMetricSet());

        var scrape = await CollectedPoints.ScrapeAsync(scraper, Cancel);
        var after = await ReadAsync(server, serverSql);

        // Any attempt to connect to template0 or the refusing database would have failed the scrape.
        Assert.Empty(scrape.Result.Errors);
        Assert.Empty(scrape.Result.SkippedDatabases);
        foreach (var database in databases)
        {
            // The age grows with every transaction ID the server hands out, and drops if a vacuum freezes meanwhile.
            var age = scrape.Single("postgresql.database.frozen_xid.age", p => p.Database == database).Value;
            Assert.InRange(age, Math.Min(before[database].Age, after[database].Age), Math.Max(before[database].Age, after[database].Age));
            Assert.Contains(scrape.Single("postgresql.db_size", p => p.Database == database).Value, new double[] { before[database].Size, after[database].Size });
        }

        // Per-database queries connect only to the database that accepts connections and is no template.
        Assert.Equal([open.Name], scrape.Of("postgresql.table.count").Select(p => p.Database));
        Assert.Equal([new NpgsqlConnectionStringBuilder(server.ConnectionString).Database!, open.Name], scraper.HeldDatabases.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Each_database_keeps_its_own_tables_when_the_largest_is_scraped_straight_into_the_scrape_and_others_are_merged(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var small = await TestDatabase.CreateAsync(server, Cancel);
        await using var large = await TestDatabase.CreateAsync(server, Cancel);
        await small.ExecuteAsync("CREATE TABLE only_here (id int PRIMARY KEY)", Cancel);
        await large.ExecuteAsync(string.Concat(Enumerable.Range(0, 12).Select(i => $"CREATE TABLE many_{i} (id int PRIMARY KEY);")), Cancel);
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = server.ConnectionString, Databases = [small.Name, large.Name] }, new PostgresqlMetricSet());

        // The first scrape merges both; from the second on, the larger database goes straight into the scrape's buffer.
        for (var scrape = 0; scrape < 3; scrape++)
        {
            var points = await CollectedPoints.ScrapeAsync(scraper, Cancel);

            Assert.Empty(points.Result.Errors);
            var expectedTables = Enumerable.Range(0, 12).Select(i => $"{large.Name}.many_{i}").Append($"{small.Name}.only_here").Order(StringComparer.Ordinal);
            Assert.Equal(expectedTables, points.Of("postgresql.table.size").Select(p => $"{p.Database}.{p.Table}").Order(StringComparer.Ordinal));
            Assert.Equal(new[] { small.Name, large.Name }.Order(StringComparer.Ordinal), points.Of("postgresql.table.count").Select(p => p.Database!).Order(StringComparer.Ordinal));
            Assert.Null(points.Single("postgresql.connection.max").Database);
        }

        var home = new NpgsqlConnectionStringBuilder(server.ConnectionString).Database!;
        Assert.Equal(new[] { home, large.Name, small.Name }.Order(StringComparer.Ordinal), scraper.HeldDatabases.Order(StringComparer.Ordinal));
    }

    private static async Task<Dictionary<string, (long Age, long Size)>> ReadAsync(IPostgresServer server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        var rows = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(Cancel))
        {
            rows[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return rows;
    }

    /// <summary>Waits until the database's counters stop moving, so later changes can be attributed exactly.</summary>
    private static async Task<Scrape> WaitForSettledStatsAsync(IPostgresServer server, TestDatabase database)
    {
        var previous = await Scrape.RunAsync(server.ConnectionString, [database.Name], Cancel);
        for (var attempt = 0; attempt < 30; attempt++)
        {
            await Task.Delay(700, Cancel);
            var current = await Scrape.RunAsync(server.ConnectionString, [database.Name], Cancel);
            if (current.Value("postgresql.commits", database.Name) == previous.Value("postgresql.commits", database.Name)
                && current.Value("postgresql.rollbacks", database.Name) == previous.Value("postgresql.rollbacks", database.Name))
            {
                return current;
            }

            previous = current;
        }

        return previous;
    }

    private static async Task<Scrape> WaitForStatsAsync(IPostgresServer server, TestDatabase database, Func<Scrape, bool> ready)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var scrape = await Scrape.RunAsync(server.ConnectionString, [database.Name], Cancel);
            Assert.Empty(scrape.Result.Errors);
            if (ready(scrape) || DateTime.UtcNow > deadline)
            {
                return scrape;
            }

            await Task.Delay(200, Cancel);
        }
    }
}
