using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// A migration's ACCESS EXCLUSIVE lock, waited for behind a reader or held: the catalogue leaves that table out
/// (its size would take an ACCESS SHARE lock that queues behind the migration), reports it once, never waits
/// for a lock itself, and still reports every other table of the database.
/// </summary>
public sealed class LockedRelationTests(PostgresServerPool servers)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_table_whose_ALTER_TABLE_waits_behind_a_reader_is_left_out_and_no_scrape_queues_behind_it(int version)
    {
        var server = await servers.GetAsync(version, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await CreateTablesAsync(database);

        // Session A reads the table and keeps its ACCESS SHARE lock; session B's ALTER TABLE queues for ACCESS EXCLUSIVE.
        var reader = await OpenAsync(database, "BEGIN; SELECT * FROM migrating");
        var migration = new NpgsqlConnection(database.ConnectionString);
        Task<int>? alter = null;
        try
        {
            await migration.OpenAsync(Cancel);
            alter = new NpgsqlCommand("ALTER TABLE migrating ADD COLUMN note text", migration) { CommandTimeout = 0 }.ExecuteNonQueryAsync(Cancel);
            await Poll.UntilAsync(() => WaitingAsync(database, "ALTER TABLE%"), waiting => alter.IsFaulted || waiting > 0, "the ALTER TABLE to wait for its lock", Cancel);
            Assert.False(alter.IsFaulted, alter.Exception?.ToString());

            await AssertLeftOutWithoutWaitingAsync(server, database, "waited for");
        }
        finally
        {
            // The reader ends first (its transaction with it), so the migration goes through and its connection closes.
            await reader.DisposeAsync();
            if (alter is not null)
            {
                await alter;
            }

            await migration.DisposeAsync();
        }

        await AssertCollectedAgainAsync(server, database);
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_table_under_a_held_ACCESS_EXCLUSIVE_lock_is_left_out_and_no_scrape_queues_behind_it(int version)
    {
        var server = await servers.GetAsync(version, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await CreateTablesAsync(database);

        await using var locker = await OpenAsync(database, "BEGIN; LOCK TABLE migrating IN ACCESS EXCLUSIVE MODE");
        await AssertLeftOutWithoutWaitingAsync(server, database, "held");

        await using (var rollback = new NpgsqlCommand("ROLLBACK", locker))
        {
            await rollback.ExecuteNonQueryAsync(Cancel);
        }

        await AssertCollectedAgainAsync(server, database);
    }

    /// <summary>
    /// Two scrapes while the lock is there: each completes without an error, has the other table and its index and
    /// not the locked one's, and while it runs no session of the scraper waits for a lock (pg_locks, sampled until
    /// the scrape ends). The left-out table is reported once across both scrapes.
    /// </summary>
    private async Task AssertLeftOutWithoutWaitingAsync(IPostgresServer server, TestDatabase database, string how)
    {
        var application = "pgm_locked_" + Guid.NewGuid().ToString("N")[..8];
        await using var scraper = Scraper(server, database, application);
        var problems = new ScrapeProblemLog();
        var reported = new List<string>();
        for (var scrape = 1; scrape <= 2; scrape++)
        {
            var running = CollectedPoints.ScrapeAsync(scraper, Cancel);
            var waitSamples = new List<string>();
            while (!running.IsCompleted)
            {
                waitSamples.AddRange(await LockWaitsOfAsync(server, application));
            }

            var collected = await running;
            Assert.Empty(waitSamples);
            Assert.Empty(collected.Result.Errors);
            var tables = collected.Points.Where(p => p.Metric == "postgresql.table.size").Select(p => p.Table).ToList();
            var indexes = collected.Points.Where(p => p.Metric == "postgresql.index.size").Select(p => p.Index).ToList();
            Assert.Contains("steady", tables);
            Assert.DoesNotContain("migrating", tables);
            Assert.Contains("steady_pkey", indexes);
            Assert.DoesNotContain("migrating_pkey", indexes);

            var left = Assert.Single(collected.Result.SkippedRelations);
            Assert.Equal((database.Name, "public", "migrating"), (left.Database, left.Schema, left.Relation));
            Assert.Contains(how, left.Reason, StringComparison.Ordinal);
            reported.AddRange(problems.Update(collected.Result).New);
        }

        var report = Assert.Single(reported);
        Assert.Contains($"relation public.migrating in database '{database.Name}'", report, StringComparison.Ordinal);
    }

    private async Task AssertCollectedAgainAsync(IPostgresServer server, TestDatabase database)
    {
        await using var scraper = Scraper(server, database, "pgm_locked_" + Guid.NewGuid().ToString("N")[..8]);
        var collected = await CollectedPoints.ScrapeAsync(scraper, Cancel);
        Assert.Empty(collected.Result.Errors);
        Assert.Empty(collected.Result.SkippedRelations);
        Assert.Contains("migrating", collected.Points.Where(p => p.Metric == "postgresql.table.size").Select(p => p.Table));
        Assert.Contains("migrating_pkey", collected.Points.Where(p => p.Metric == "postgresql.index.size").Select(p => p.Index));
    }

    private static PostgresScraper Scraper(IPostgresServer server, TestDatabase database, string application)
        => new(
            new ScraperOptions { ConnectionString = server.ConnectionString, Databases = [database.Name], ApplicationName = application, QueryTimeout = TimeSpan.FromSeconds(30) },
            new PostgresqlMetricSet(new PostgresqlMetricsConfig()));

    private static async Task CreateTablesAsync(TestDatabase database)
    {
        await database.ExecuteAsync("CREATE TABLE migrating (id int PRIMARY KEY); CREATE TABLE steady (id int PRIMARY KEY)", Cancel);
        await database.ExecuteAsync("INSERT INTO migrating SELECT generate_series(1, 100); INSERT INTO steady SELECT generate_series(1, 100)", Cancel);
    }

    private static async Task<NpgsqlConnection> OpenAsync(TestDatabase database, string sql)
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
        return connection;
    }

    private static async Task<long> WaitingAsync(TestDatabase database, string queryPattern)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE @pattern", connection);
        command.Parameters.AddWithValue("pattern", queryPattern);
        return (long)(await command.ExecuteScalarAsync(Cancel))!;
    }

    /// <summary>The scraper's lock requests not granted right now, from pg_locks joined to its sessions by application_name.</summary>
    private static async Task<List<string>> LockWaitsOfAsync(IPostgresServer server, string application)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(
            """
            SELECT l.locktype || ' ' || l.mode || ' on ' || coalesce(l.relation::text, '?') || ': ' || a.query
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE a.application_name = @application AND NOT l.granted
            """, connection);
        command.Parameters.AddWithValue("application", application);
        var waits = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        while (await reader.ReadAsync(Cancel))
        {
            waits.Add(reader.GetString(0));
        }

        return waits;
    }
}
