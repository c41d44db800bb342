using System.Globalization;
using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// The whole catalogue on every version: after a known workload (tables and indexes, inserts,
/// updates and deletes, a commit and a rollback, a function, a checkpoint, a vacuum, a WAL switch,
/// a held lock and a streaming replication connection) every metric is emitted, unless the version
/// or an absent extension rules it out, and values agree with the server's own views.
/// </summary>
public sealed class CatalogueCoverageTests(PostgresServerPool servers)
{
    private const int Rows = 1000;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Metrics whose view or columns arrived after PostgreSQL 12, by the first major version that has them.</summary>
    internal static readonly Dictionary<string, int> IntroducedIn = new(StringComparer.Ordinal)
    {
        ["postgresql.subscription.errors"] = 15,
        ["postgresql.wal.records"] = 14,
        ["postgresql.wal.full_page_images"] = 14,
        ["postgresql.wal.bytes"] = 14,
        ["postgresql.wal.buffers_full"] = 14,
        ["postgresql.io.operations"] = 16,
        ["postgresql.checkpointer.restartpoints"] = 17,
    };

    /// <summary>Metrics from pgvector, which the test servers do not have: they must be skipped with a reason, not fail.</summary>
    private static readonly string[] NeedPgvector =
    [
        "postgresql.vector.insert.duration", "postgresql.vector.insert.rows",
        "postgresql.vector.search.calls", "postgresql.vector.search.duration", "postgresql.vector.search.rows_returned",
    ];

    /// <summary>Metrics the query performance scraper records (QueryMonitoringTests checks them), not the catalogue's queries.</summary>
    internal static readonly string[] RecordedByQueryMonitoring =
    [
        "postgresql.query.calls", "postgresql.query.total_time", "postgresql.query.mean_time", "postgresql.query.rows",
        "postgresql.query.shared_blocks.hit", "postgresql.query.shared_blocks.read", "postgresql.query.temp_blocks", "postgresql.query.wal_bytes",
        "postgresql.wait_events",
    ];

    /// <summary>
    /// Metrics only a standby, a subscriber, a slot that holds an xmin or a prepared transaction emits;
    /// the replication tests (StandbyViewTests, VacuumHorizonTests, LogicalReplicationTests) make those
    /// happen on real standbys and subscribers and check them there.
    /// </summary>
    private static readonly string[] NeedReplicationTopology =
    [
        "postgresql.recovery.replay.paused", "postgresql.recovery.replay.lag", "postgresql.recovery.replay.data_delay",
        "postgresql.wal_receiver.status", "postgresql.wal_receiver.last_message.age",
        "postgresql.replication_slot.xmin.age", "postgresql.replication_slot.catalog_xmin.age", "postgresql.replication_slot.data_delay",
        "postgresql.replication.xmin.age", "postgresql.prepared_transaction.age", "postgresql.prepared_transaction.xmin.age",
        "postgresql.subscription.active", "postgresql.subscription.data_delay", "postgresql.subscription.last_message.age", "postgresql.subscription.errors",
    ];

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Every_metric_is_emitted_after_a_known_workload_and_agrees_with_the_server(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await RunWorkloadAsync(database);
        await using var standby = await WalReceiver.StartAsync(server.ConnectionString, Cancel);
        await using var lockHolder = await HoldLockAsync(database);
        await using var scraper = AllMetricsScraper(database);

        var scrape = await CollectedPoints.ScrapeUntilAsync(scraper, s =>
            s.Of("postgresql.operations", p => p.Table == "orders" && p.Attribute("operation") == "ins").Any(p => p.Value == Rows + 1)
            && s.Of("postgresql.function.calls").Any(p => p.Value == 3)
            && s.Of("postgresql.table.vacuum.count", p => p.Table == "orders").Any(p => p.Value == 1)
            && s.Of("postgresql.table.analyze.age", p => p.Table == "orders").Any()
            && s.Of("postgresql.wal.age").Any()
            && s.Of("postgresql.replication_slot.active", p => p.Attribute("slot_name") == standby.SlotName).Any(p => p.Value == 1)
            && s.Of("postgresql.wal.lag").Any()
            && s.Of("postgresql.replication.data_delay").Any(), Cancel);

        Assert.Empty(scrape.Result.Errors);
        // Every resource names the server, so two servers' databases (or server-wide metrics) never merge.
        var endpoint = new NpgsqlConnectionStringBuilder(server.ConnectionString);
        Assert.All(scrape.Points, p => Assert.Equal((endpoint.Host, endpoint.Port.ToString(CultureInfo.InvariantCulture)), (p.Resource["server.address"], p.Resource["server.port"])));
        var expected = PostgresqlMetricsConfig.MetricNames
            .Where(name => !NeedPgvector.Contains(name) && !RecordedByQueryMonitoring.Contains(name) && !NeedReplicationTopology.Contains(name))
            .Where(name => !IntroducedIn.TryGetValue(name, out var since) || major >= since)
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, scrape.MetricNames.Order(StringComparer.Ordinal));
        if (major >= 13)
        {
            Assert.Contains(scrape.Result.Skipped, s => s.Query == "vector_searches" && s.Database == database.Name && s.Reason.Contains("extension vector is not installed", StringComparison.Ordinal));
            Assert.Contains(scrape.Result.Skipped, s => s.Query == "vector_inserts" && s.Database == database.Name);
        }
        else
        {
            Assert.Empty(scrape.Result.Skipped);
        }

        await AssertAgreesWithServerViewsAsync(database, scrape, standby, major);
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Per_table_metrics_cover_the_selected_databases_most_active_first_up_to_the_limit(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var selected = await TestDatabase.CreateAsync(server, Cancel);
        await using var other = await TestDatabase.CreateAsync(server, Cancel);
        // 30 tables; table t_N is scanned N times, so the 10 most active are t_21 .. t_30.
        await selected.ExecuteAsync(string.Concat(Enumerable.Range(1, 30).Select(i => $"CREATE TABLE t_{i} (id int PRIMARY KEY); INSERT INTO t_{i} VALUES (1);")), Cancel);
        await selected.ExecuteAsync(string.Concat(Enumerable.Range(1, 30).SelectMany(i => Enumerable.Repeat($"SELECT count(*) FROM t_{i};", i))), Cancel);
        await other.ExecuteAsync("CREATE TABLE elsewhere (id int PRIMARY KEY)", Cancel);
        await using var scraper = new PostgresScraper(
            new ScraperOptions { ConnectionString = server.ConnectionString, Databases = [selected.Name], MaxRelationsPerDatabase = 10 },
            new PostgresqlMetricSet());

        var scrape = await CollectedPoints.ScrapeUntilAsync(scraper, s => s.Of("postgresql.table.size").Select(p => p.Table).Contains("t_30"), Cancel);

        var tables = scrape.Of("postgresql.table.size").Select(p => p.Table!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(21, 10).Select(i => $"t_{i}").Order(StringComparer.Ordinal), tables);
        Assert.All(scrape.Of("postgresql.table.size"), p => Assert.Equal(selected.Name, p.Database));
        Assert.Equal(10, scrape.Of("postgresql.index.size").Count());
        Assert.Equal(30, scrape.Single("postgresql.table.count", p => p.Database == selected.Name).Value);
        Assert.DoesNotContain(scrape.Points, p => p.Database == other.Name);
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Every_query_for_this_version_runs_and_returns_the_columns_metadata_yaml_declares(int major)
    {
        // Including those whose extension the test servers lack (pgvector): their SQL only reads
        // pg_stat_statements and the catalogs, so it must run here even though the scraper skips it.
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE EXTENSION pg_stat_statements; CREATE TABLE items (id int PRIMARY KEY, note text)", Cancel);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancel);
        var version = (await database.RowAsync("SELECT current_setting('server_version_num')::int", Cancel))[0];

        var ran = new List<string>();
        foreach (var query in AllMetrics().Queries)
        {
            if (query.SelectSql((int)version) is not { } sql)
            {
                continue;
            }

            await using var command = new NpgsqlCommand(sql, connection);
            QueryParameters.Bind(command, [database.Name], relationLimit: 10);
            await using var reader = await command.ExecuteReaderAsync(Cancel);
            var rejected = new RejectedValueCounter();
            Assert.Null(query.ReadResult(reader, new Runtime.Metrics.MetricsBuffer(), 1, rejected));
            Assert.True(rejected.IsEmpty, query.Name + ": " + string.Join("; ", rejected.ToProblems(database.Name)));
            ran.Add(query.Name);
        }

        Assert.Contains("table_stats", ran);
        Assert.Equal(major >= 13, ran.Contains("vector_searches") && ran.Contains("vector_inserts"));
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

    // The test database is also where instance-wide queries run, so pg_stat_statements is installed where they look.
    private static PostgresScraper AllMetricsScraper(TestDatabase database)
        => new(new ScraperOptions { ConnectionString = database.ConnectionString, Databases = [database.Name] }, AllMetrics());

    private static async Task RunWorkloadAsync(TestDatabase database)
    {
        await database.ExecuteAsync($"""
            CREATE EXTENSION pg_stat_statements;
            CREATE TABLE orders (id int PRIMARY KEY, customer int NOT NULL, note text);
            CREATE INDEX orders_customer ON orders (customer);
            CREATE FUNCTION order_total(a int, b int) RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN a + b; END';
            CREATE FUNCTION order_total(a int) RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN a; END';
            CREATE FUNCTION shipping() RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN 5; END';
            """, Cancel);
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync(Cancel);
            await ExecuteAsync(connection, $"INSERT INTO orders SELECT g, g % 50, repeat('n', 100) FROM generate_series(1, {Rows}) g");
            await ExecuteAsync(connection, "UPDATE orders SET note = 'updated' WHERE id <= 100");
            await ExecuteAsync(connection, "DELETE FROM orders WHERE id > 950");
            await using (var rollback = await connection.BeginTransactionAsync(Cancel))
            {
                await new NpgsqlCommand("INSERT INTO orders VALUES (-1, 0, 'never')", connection, rollback).ExecuteNonQueryAsync(Cancel);
                await rollback.RollbackAsync(Cancel);
            }

            await ExecuteAsync(connection, "SET enable_seqscan = off; SELECT count(*) FROM orders WHERE customer = 7; RESET enable_seqscan");
            await ExecuteAsync(connection, "SELECT count(*) FROM orders");
            await ExecuteAsync(connection, "SELECT shipping(), shipping(), shipping(), order_total(1, 2), order_total(3)");
        }

        await database.ExecuteAsync("VACUUM ANALYZE orders", Cancel);
        await database.ExecuteAsync("CHECKPOINT", Cancel);
        // A WAL switch gives the archiver a file to archive, so pg_stat_archiver has a last archived time.
        await database.ExecuteAsync("SELECT pg_switch_wal()", Cancel);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    /// <summary>A session that holds a lock on orders until disposed, so lock metrics have something to count.</summary>
    private static async Task<NpgsqlConnection> HoldLockAsync(TestDatabase database)
    {
        var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancel);
        await ExecuteAsync(connection, "BEGIN; LOCK TABLE orders IN SHARE MODE");
        return connection;
    }

    private static async Task AssertAgreesWithServerViewsAsync(TestDatabase database, CollectedPoints scrape, WalReceiver standby, int major)
    {
        var db = database.Name;
        bool InDatabase(CollectedPoint p) => p.Database == db;
        bool Orders(CollectedPoint p) => InDatabase(p) && p.Table == "orders" && p.Resource["postgresql.schema.name"] == "public";

        // Per-table and per-index counters of the test's own tables are quiet once settled: they must match exactly.
        var table = await database.RowAsync("SELECT n_live_tup, n_dead_tup, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd, seq_scan, vacuum_count, pg_relation_size(relid) FROM pg_stat_user_tables WHERE relname = 'orders'", Cancel);
        Assert.Equal(table[0], scrape.Single("postgresql.rows", p => Orders(p) && p.Attribute("state") == "live").Value);
        Assert.Equal(table[1], scrape.Single("postgresql.rows", p => Orders(p) && p.Attribute("state") == "dead").Value);
        // The rolled-back insert counts too: n_tup_ins counts tuples inserted, committed or not.
        Assert.Equal(table[2], scrape.Single("postgresql.operations", p => Orders(p) && p.Attribute("operation") == "ins").Value);
        Assert.Equal(Rows + 1, table[2]);
        Assert.Equal(table[3], scrape.Single("postgresql.operations", p => Orders(p) && p.Attribute("operation") == "upd").Value);
        Assert.Equal(50, scrape.Single("postgresql.operations", p => Orders(p) && p.Attribute("operation") == "del").Value);
        Assert.Equal(table[5], scrape.Single("postgresql.operations", p => Orders(p) && p.Attribute("operation") == "hot_upd").Value);
        Assert.Equal(table[6], scrape.Single("postgresql.sequential_scans", Orders).Value);
        Assert.Equal(1, scrape.Single("postgresql.table.vacuum.count", Orders).Value);
        Assert.Equal(table[8], scrape.Single("postgresql.table.size", Orders).Value);
        Assert.InRange(scrape.Single("postgresql.table.vacuum.age", Orders).Value, 0, 120);
        Assert.InRange(scrape.Single("postgresql.table.analyze.age", Orders).Value, 0, 120);
        Assert.Equal(1, scrape.Single("postgresql.table.count", InDatabase).Value);
        Assert.True(scrape.Single("postgresql.table.bloat", Orders).Value >= 0);

        var io = await database.RowAsync("SELECT heap_blks_hit, heap_blks_read, idx_blks_hit FROM pg_statio_user_tables WHERE relname = 'orders'", Cancel);
        Assert.Equal(io[0], scrape.Single("postgresql.blocks_read", p => Orders(p) && p.Attribute("source") == "heap_hit").Value);
        Assert.Equal(io[1], scrape.Single("postgresql.blocks_read", p => Orders(p) && p.Attribute("source") == "heap_read").Value);
        Assert.Equal(io[2], scrape.Single("postgresql.blocks_read", p => Orders(p) && p.Attribute("source") == "idx_hit").Value);
        Assert.Equal(8, scrape.Of("postgresql.blocks_read", Orders).Count());

        var index = await database.RowAsync("SELECT idx_scan, pg_relation_size(indexrelid) FROM pg_stat_user_indexes WHERE indexrelname = 'orders_customer'", Cancel);
        bool CustomerIndex(CollectedPoint p) => Orders(p) && p.Index == "orders_customer";
        Assert.Equal(index[0], scrape.Single("postgresql.index.scans", CustomerIndex).Value);
        Assert.True(index[0] >= 1, "the workload scans the customer index");
        Assert.Equal(index[1], scrape.Single("postgresql.index.size", CustomerIndex).Value);
        Assert.Equal(2, scrape.Of("postgresql.index.size", InDatabase).Count());
        Assert.True(scrape.Single("postgresql.index.bloat", CustomerIndex).Value >= 0);

        // Overloaded functions are told apart by their argument types.
        Assert.Equal(3, scrape.Single("postgresql.function.calls", p => InDatabase(p) && p.Attribute("function") == "shipping").Value);
        Assert.Equal(1, scrape.Single("postgresql.function.calls", p => InDatabase(p) && p.Attribute("function") == "order_total(a integer, b integer)").Value);
        Assert.Equal(1, scrape.Single("postgresql.function.calls", p => InDatabase(p) && p.Attribute("function") == "order_total(a integer)").Value);

        // Database counters: this test's database is quiet apart from the scrapes themselves.
        var stats = await database.RowAsync($"SELECT tup_inserted, tup_deleted, deadlocks, temp_files, confl_lock FROM pg_stat_database JOIN pg_stat_database_conflicts USING (datid) WHERE pg_stat_database.datname = '{db}'", Cancel);
        Assert.True(scrape.Single("postgresql.tup_inserted", InDatabase).Value >= Rows);
        Assert.InRange(scrape.Single("postgresql.tup_inserted", InDatabase).Value, Rows, stats[0]);
        Assert.InRange(scrape.Single("postgresql.tup_deleted", InDatabase).Value, 50, stats[1]);
        Assert.Equal(stats[2], scrape.Single("postgresql.deadlocks", InDatabase).Value);
        Assert.Equal(stats[3], scrape.Single("postgresql.temp_files", InDatabase).Value);
        Assert.Equal(5, scrape.Of("postgresql.query.conflicts", InDatabase).Count());
        Assert.Equal(stats[4], scrape.Single("postgresql.query.conflicts", p => InDatabase(p) && p.Attribute("postgresql.conflict.type") == "lock").Value);
        Assert.True(scrape.Single("postgresql.query.execution.time", InDatabase).Value > 0);
        var xidAge = await database.RowAsync($"SELECT age(datfrozenxid) FROM pg_database WHERE datname = '{db}'", Cancel);
        Assert.InRange(scrape.Single("postgresql.database.frozen_xid.age", InDatabase).Value, 1, xidAge[0]);

        // Locks: the held SHARE lock on orders, by relation and by mode.
        Assert.True(scrape.Single("postgresql.database.locks", p => InDatabase(p) && p.Attribute("relation") == "orders" && p.Attribute("mode") == "ShareLock").Value >= 1);
        Assert.True(scrape.Single("postgresql.locks", p => InDatabase(p) && p.Attribute("mode") == "ShareLock" && p.Attribute("granted") == "true").Value >= 1);

        // Connections: utilisation is the client connections over what non-superusers may open.
        var limits = await database.RowAsync("SELECT current_setting('max_connections')::bigint - current_setting('superuser_reserved_connections')::bigint", Cancel);
        var connections = scrape.Single("postgresql.connection.count").Value;
        Assert.True(connections >= 2, "the scraper's and the lock holder's sessions");
        Assert.Equal(connections / limits[0], scrape.Single("postgresql.connection.utilization").Value, 9);

        // Sessions by state: the lock holder is the database's one session idle in a transaction, and the
        // oldest transaction; its age was read after the scrape, so the scraped age is at most that.
        var idleInTransaction = await database.RowAsync($"SELECT count(*), extract(epoch FROM clock_timestamp() - min(xact_start))::bigint + 1 FROM pg_stat_activity WHERE datname = '{db}' AND state = 'idle in transaction'", Cancel);
        Assert.Equal(6, scrape.Of("postgresql.sessions", InDatabase).Count());
        Assert.Equal(idleInTransaction[0], scrape.Single("postgresql.sessions", p => InDatabase(p) && p.Attribute("state") == "idle in transaction").Value);
        Assert.Equal(1, idleInTransaction[0]);
        Assert.True(scrape.Single("postgresql.sessions", p => InDatabase(p) && p.Attribute("state") == "active").Value >= 1, "the scraper's own session in the database");
        Assert.InRange(scrape.Single("postgresql.transaction.oldest.age", InDatabase).Value, 0, idleInTransaction[1]);

        // Replication: the stand-in standby streams on its slot from 127.0.0.1.
        Assert.Equal(1, scrape.Single("postgresql.replication_slot.active", p => p.Attribute("slot_name") == standby.SlotName && p.Attribute("slot_type") == "physical").Value);
        Assert.True(scrape.Single("postgresql.replication_slot.retained_wal", p => p.Attribute("slot_name") == standby.SlotName).Value >= 0);
        Assert.Contains(scrape.Of("postgresql.replication.data_delay"), p => p.Attribute("replication_client") == "127.0.0.1" && p.Value >= 0);
        Assert.Equal(3, scrape.Of("postgresql.wal.lag", p => p.Attribute("replication_client") == "127.0.0.1").Select(p => p.Attribute("operation")).Distinct().Count());
        Assert.Contains(scrape.Of("postgresql.wal.delay"), p => p.Attribute("operation") == "replay" && p.Value >= 0);
        // A primary, with no prepared transactions (max_prepared_transactions is 0 here); the oldest xmin is at least the lock holder's.
        Assert.Equal(0, scrape.Single("postgresql.recovery.active").Value);
        Assert.Equal(0, scrape.Single("postgresql.prepared_transaction.count").Value);
        Assert.True(scrape.Single("postgresql.backend.xmin.age").Value >= 0);

        // Archiving always succeeds on the test servers (archive_command=true) and the workload switched WAL.
        var archiver = await database.RowAsync("SELECT archived_count, failed_count FROM pg_stat_archiver", Cancel);
        Assert.InRange(scrape.Single("postgresql.archiver.archived").Value, 1, archiver[0]);
        Assert.Equal(archiver[1], scrape.Single("postgresql.archiver.failed").Value);
        Assert.InRange(scrape.Single("postgresql.wal.age").Value, 0, 600);

        // Server-wide counters move with other tests on the same server: they must lie between two readings of the view.
        var checkpoints = scrape.Single("postgresql.bgwriter.checkpoint.count", p => p.Attribute("type") == "requested").Value;
        var checkpointsView = major >= 17 ? "SELECT num_requested FROM pg_stat_checkpointer" : "SELECT checkpoints_req FROM pg_stat_bgwriter";
        Assert.InRange(checkpoints, 1, (await database.RowAsync(checkpointsView, Cancel))[0]);
        Assert.Equal(major >= 17 ? 2 : 4, scrape.Of("postgresql.bgwriter.buffers.writes").Count());
        Assert.Equal(2, scrape.Of("postgresql.bgwriter.duration").Count());
        if (major >= 14)
        {
            Assert.InRange(scrape.Single("postgresql.wal.bytes").Value, 1, (await database.RowAsync("SELECT wal_bytes::bigint FROM pg_stat_wal", Cancel))[0]);
        }

        if (major >= 16)
        {
            var reads = scrape.Of("postgresql.io.operations", p => p.Attribute("backend_type") == "client backend" && p.Attribute("object") == "relation" && p.Attribute("context") == "normal" && p.Attribute("operation") == "hit");
            Assert.True(Assert.Single(reads).Value > 0);
        }

        if (major >= 17)
        {
            Assert.Equal(3, scrape.Of("postgresql.checkpointer.restartpoints").Count());
        }
    }
}
