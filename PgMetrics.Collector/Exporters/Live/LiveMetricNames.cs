namespace PgMetrics.Collector.Exporters.Live;

/// <summary>
/// The metrics the live view reads, by their catalogue names (docs/metrics.md), and the resource and point
/// attributes it groups them by.
/// </summary>
internal static class LiveMetricNames
{
    /// <summary>Transactions committed (pg_stat_database.xact_commit), per database.</summary>
    public const string Commits = "postgresql.commits";

    /// <summary>Transactions rolled back (xact_rollback), per database.</summary>
    public const string Rollbacks = "postgresql.rollbacks";

    /// <summary>Buffer cache hits (blks_hit), per database; off in the catalogue by default.</summary>
    public const string BlocksHit = "postgresql.blks_hit";

    /// <summary>Blocks read from disk or the OS cache (blks_read), per database; off by default.</summary>
    public const string BlocksRead = "postgresql.blks_read";

    /// <summary>Deadlocks detected (deadlocks), per database; off by default.</summary>
    public const string Deadlocks = "postgresql.deadlocks";

    /// <summary>Bytes written to temporary files (temp_bytes), per database; off by default.</summary>
    public const string TempBytes = "postgresql.temp.io";

    /// <summary>Client sessions by <c>state</c> (pg_stat_activity), per database.</summary>
    public const string Sessions = "postgresql.sessions";

    /// <summary>Seconds since the oldest open transaction began, per database.</summary>
    public const string OldestTransaction = "postgresql.transaction.oldest.age";

    /// <summary>age(datfrozenxid), per database: the distance to transaction ID wraparound.</summary>
    public const string FrozenXidAge = "postgresql.database.frozen_xid.age";

    /// <summary>max_connections.</summary>
    public const string MaxConnections = "postgresql.connection.max";

    /// <summary>Client connections open now.</summary>
    public const string Connections = "postgresql.connection.count";

    /// <summary>WAL generated (pg_stat_wal.wal_bytes, PostgreSQL 14 and later).</summary>
    public const string WalBytes = "postgresql.wal.bytes";

    /// <summary>Checkpoints, by <c>type</c> requested or scheduled.</summary>
    public const string Checkpoints = "postgresql.bgwriter.checkpoint.count";

    /// <summary>Bytes a standby is behind, by <c>replication_client</c>.</summary>
    public const string ReplicationBytes = "postgresql.replication.data_delay";

    /// <summary>Replication lag in seconds (fractions), by <c>operation</c> and <c>replication_client</c>; off by default.</summary>
    public const string ReplicationDelay = "postgresql.wal.delay";

    /// <summary>Replication lag in whole seconds, by <c>operation</c> and <c>replication_client</c>.</summary>
    public const string ReplicationLag = "postgresql.wal.lag";

    /// <summary>Calls of a top statement since the previous scrape (query monitoring).</summary>
    public const string QueryCalls = "postgresql.query.calls";

    /// <summary>Seconds a top statement ran since the previous scrape.</summary>
    public const string QueryTotalTime = "postgresql.query.total_time";

    /// <summary>Mean seconds per call of a top statement over the interval.</summary>
    public const string QueryMeanTime = "postgresql.query.mean_time";

    /// <summary>Waiting sessions by <c>wait_event.type</c> and <c>wait_event.name</c>.</summary>
    public const string WaitEvents = "postgresql.wait_events";

    /// <summary>The metrics of the query performance scraper: they arrive in buffers of their own, beside the catalogue's.</summary>
    public static readonly IReadOnlySet<string> QueryPerformance = new HashSet<string>(StringComparer.Ordinal)
    {
        QueryCalls, QueryTotalTime, QueryMeanTime, "postgresql.query.rows", "postgresql.query.shared_blocks.hit",
        "postgresql.query.shared_blocks.read", "postgresql.query.temp_blocks", "postgresql.query.wal_bytes", WaitEvents,
    };

    /// <summary>The catalogue's switches that are off by default and the view needs on (<c>pgmetrics top</c> turns them on unless a config turns them off).</summary>
    public static readonly IReadOnlyList<string> OffByDefault = [BlocksHit, BlocksRead, Deadlocks, TempBytes, ReplicationDelay];

    /// <summary>The query sample event of the OpenTelemetry receiver's query monitoring; its <c>postgresql.blocking.*</c> attributes name blocked sessions.</summary>
    public const string QuerySampleEvent = "db.server.query_sample";

    /// <summary>Resource attribute: the server's host (or socket directory).</summary>
    public const string ServerAddress = "server.address";

    /// <summary>Resource attribute: the server's port.</summary>
    public const string ServerPort = "server.port";

    /// <summary>Resource attribute: the database.</summary>
    public const string Database = "postgresql.database.name";

    /// <summary>Resource attribute that marks the collector's own metrics (<c>service.name=pgmetrics</c>).</summary>
    public const string ServiceName = "service.name";
}
