using Npgsql;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Otlp;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Query performance monitoring: the top queries of pg_stat_statements by time spent since the
/// previous scrape, wait events, blocking sessions, and samples of long-running queries. Query text
/// only ever leaves as fingerprint and normalized text. Without pg_stat_statements it says so once
/// and collects the rest.
/// </summary>
public sealed class QueryPerformanceCollector
{
    private const string StatementsSql = """
        SELECT s.queryid, d.datname, r.rolname, s.query, s.calls, s.{0} AS total_time, s.rows,
               s.shared_blks_hit, s.shared_blks_read, s.temp_blks_read + s.temp_blks_written AS temp_blks, {1} AS wal_bytes
        FROM pg_stat_statements s
        JOIN pg_database d ON d.oid = s.dbid
        JOIN pg_roles r ON r.oid = s.userid
        WHERE s.queryid IS NOT NULL AND s.query NOT LIKE '%/* pgmetrics */'
        """;

    private const string WaitEventsSql = """
        SELECT wait_event_type, wait_event, count(*)
        FROM pg_stat_activity
        WHERE wait_event IS NOT NULL AND state IS DISTINCT FROM 'idle' AND backend_type = 'client backend'
        GROUP BY 1, 2
        """;

    private const string BlockingSql = """
        SELECT blocked.pid, blocked.query, blocking.pid, blocking.query, coalesce(extract(epoch FROM now() - blocked.state_change), 0)::float8
        FROM pg_stat_activity blocked
        CROSS JOIN LATERAL unnest(pg_blocking_pids(blocked.pid)) AS b(pid)
        JOIN pg_stat_activity blocking ON blocking.pid = b.pid
        """;

    private const string LongRunningSql = """
        SELECT pid, datname, usename, query, extract(epoch FROM now() - query_start)::float8
        FROM pg_stat_activity
        WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
          AND now() - query_start > make_interval(secs => @threshold)
        """;

    private readonly QueryMonitoringOptions _options;
    private readonly Dictionary<(long QueryId, string Database, string User), StatementTotals> _previous = [];
    private bool _reportedMissingExtension;

    public QueryPerformanceCollector(QueryMonitoringOptions options) => _options = options;

    /// <summary>Samples of long-running queries from the last collection, as log records with normalized text only.</summary>
    public IReadOnlyList<LogRecordData> Samples { get; private set; } = [];

    /// <summary>Collects into <paramref name="buffer"/>; failures are returned, and the parts that worked are kept.</summary>
    public async Task<IReadOnlyList<ScrapeError>> CollectAsync(NpgsqlConnection connection, int serverVersionNum, MetricsBuffer buffer, long timestamp, CancellationToken cancellationToken)
    {
        var errors = new List<ScrapeError>();
        buffer.BeginResource();
        buffer.EndResource();
        await Run("top_queries", () => CollectTopQueriesAsync(connection, serverVersionNum, buffer, timestamp, errors, cancellationToken)).ConfigureAwait(false);
        await Run("wait_events", () => CollectWaitEventsAsync(connection, buffer, timestamp, cancellationToken)).ConfigureAwait(false);
        await Run("blocking_sessions", () => CollectBlockingAsync(connection, buffer, timestamp, cancellationToken)).ConfigureAwait(false);
        await Run("long_running_queries", () => CollectSamplesAsync(connection, timestamp, cancellationToken)).ConfigureAwait(false);
        return errors;

        async Task Run(string name, Func<Task> collect)
        {
            var checkpoint = buffer.Checkpoint();
            try
            {
                await collect().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidCastException)
            {
                buffer.RollbackTo(checkpoint);
                errors.Add(ScrapeErrorClassifier.Classify(ex, name, connection.Database, null));
            }
        }
    }

    private async Task CollectTopQueriesAsync(NpgsqlConnection connection, int serverVersionNum, MetricsBuffer buffer, long timestamp, List<ScrapeError> errors, CancellationToken cancellationToken)
    {
        await using (var check = CollectorSql.Command("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'", connection))
        {
            if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
            {
                if (!_reportedMissingExtension)
                {
                    _reportedMissingExtension = true;
                    errors.Add(new ScrapeError(ScrapeErrorKind.Query, "top_queries", connection.Database,
                        "pg_stat_statements is not installed (CREATE EXTENSION pg_stat_statements, with it in shared_preload_libraries); top queries are skipped, the rest is collected"));
                }

                return;
            }
        }

        // Columns were renamed in 13 (total_exec_time) and WAL counters added there.
        var sql = string.Format(System.Globalization.CultureInfo.InvariantCulture, StatementsSql,
            serverVersionNum >= 130000 ? "total_exec_time" : "total_time",
            serverVersionNum >= 130000 ? "s.wal_bytes::bigint" : "NULL::bigint");
        var current = new Dictionary<(long, string, string), StatementTotals>();
        var deltas = new List<(StatementTotals Delta, string Query, string Database, string User)>();
        await using (var command = CollectorSql.Command(sql, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
                var totals = new StatementTotals(
                    ColumnReader.ReadInt64(reader, 4), ColumnReader.ReadDouble(reader, 5), ColumnReader.ReadInt64(reader, 6),
                    ColumnReader.ReadInt64(reader, 7), ColumnReader.ReadInt64(reader, 8), ColumnReader.ReadInt64(reader, 9),
                    reader.IsDBNull(10) ? 0 : ColumnReader.ReadInt64(reader, 10));
                current[key] = totals;

                // A statement seen for the first time, or after pg_stat_statements_reset() (its calls went
                // down), counts from zero; an evicted one simply no longer appears.
                var delta = _previous.TryGetValue(key, out var before) && totals.Calls >= before.Calls ? totals - before : totals;
                if (delta.Calls > 0)
                {
                    deltas.Add((delta, reader.IsDBNull(3) ? string.Empty : reader.GetString(3), key.Item2, key.Item3));
                }
            }
        }

        _previous.Clear();
        foreach (var (key, totals) in current)
        {
            _previous[key] = totals;
        }

        foreach (var (delta, query, database, user) in deltas.OrderByDescending(d => d.Delta.TotalTimeMs).Take(_options.TopN))
        {
            var fingerprint = QueryFingerprinter.Fingerprint(query);
            KeyValue[] attributes =
            [
                KeyValue.String("db.query.fingerprint", fingerprint.Hex),
                KeyValue.String("db.query.text", fingerprint.NormalizedText),
                KeyValue.String("postgresql.database.name", database),
                KeyValue.String("db.user", user),
            ];
            buffer.AddPoint(QueryMetrics.Calls, timestamp, delta.Calls, attributes);
            buffer.AddPoint(QueryMetrics.TotalTime, timestamp, delta.TotalTimeMs, attributes);
            buffer.AddPoint(QueryMetrics.MeanTime, timestamp, delta.TotalTimeMs / delta.Calls, attributes);
            buffer.AddPoint(QueryMetrics.Rows, timestamp, delta.Rows, attributes);
            buffer.AddPoint(QueryMetrics.SharedBlocksHit, timestamp, delta.SharedBlocksHit, attributes);
            buffer.AddPoint(QueryMetrics.SharedBlocksRead, timestamp, delta.SharedBlocksRead, attributes);
            buffer.AddPoint(QueryMetrics.TempBlocks, timestamp, delta.TempBlocks, attributes);
            if (serverVersionNum >= 130000)
            {
                buffer.AddPoint(QueryMetrics.WalBytes, timestamp, delta.WalBytes, attributes);
            }
        }
    }

    private static async Task CollectWaitEventsAsync(NpgsqlConnection connection, MetricsBuffer buffer, long timestamp, CancellationToken cancellationToken)
    {
        await using var command = CollectorSql.Command(WaitEventsSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            buffer.AddPoint(QueryMetrics.WaitEvents, timestamp, reader.GetInt64(2),
                [KeyValue.String("wait_event.type", reader.GetString(0)), KeyValue.String("wait_event.name", reader.GetString(1))]);
        }
    }

    private static async Task CollectBlockingAsync(NpgsqlConnection connection, MetricsBuffer buffer, long timestamp, CancellationToken cancellationToken)
    {
        await using var command = CollectorSql.Command(BlockingSql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            buffer.AddPoint(QueryMetrics.BlockedWait, timestamp, reader.GetDouble(4),
            [
                KeyValue.Int("blocked.pid", reader.GetInt32(0)),
                KeyValue.String("blocked.query.fingerprint", QueryFingerprinter.Fingerprint(reader.IsDBNull(1) ? null : reader.GetString(1)).Hex),
                KeyValue.Int("blocking.pid", reader.GetInt32(2)),
                KeyValue.String("blocking.query.fingerprint", QueryFingerprinter.Fingerprint(reader.IsDBNull(3) ? null : reader.GetString(3)).Hex),
            ]);
        }
    }

    private async Task CollectSamplesAsync(NpgsqlConnection connection, long timestamp, CancellationToken cancellationToken)
    {
        var samples = new List<LogRecordData>();
        await using var command = CollectorSql.Command(LongRunningSql, connection);
        command.Parameters.Add(new NpgsqlParameter<double>("threshold", _options.LongRunningThreshold.TotalSeconds));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && samples.Count < _options.MaxSamples)
        {
            var fingerprint = QueryFingerprinter.Fingerprint(reader.IsDBNull(3) ? null : reader.GetString(3));
            samples.Add(new LogRecordData(timestamp, 13, "WARN", fingerprint.NormalizedText,
            [
                KeyValue.String("db.query.fingerprint", fingerprint.Hex),
                KeyValue.Int("pid", reader.GetInt32(0)),
                KeyValue.String("postgresql.database.name", reader.IsDBNull(1) ? string.Empty : reader.GetString(1)),
                KeyValue.String("db.user", reader.IsDBNull(2) ? string.Empty : reader.GetString(2)),
                KeyValue.Double("duration_s", reader.GetDouble(4)),
            ]));
        }

        Samples = samples;
    }

    private readonly record struct StatementTotals(long Calls, double TotalTimeMs, long Rows, long SharedBlocksHit, long SharedBlocksRead, long TempBlocks, long WalBytes)
    {
        public static StatementTotals operator -(StatementTotals a, StatementTotals b)
            => new(a.Calls - b.Calls, a.TotalTimeMs - b.TotalTimeMs, a.Rows - b.Rows, a.SharedBlocksHit - b.SharedBlocksHit, a.SharedBlocksRead - b.SharedBlocksRead, a.TempBlocks - b.TempBlocks, a.WalBytes - b.WalBytes);
    }
}
