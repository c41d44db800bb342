using System.Diagnostics;
using Npgsql;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// Query performance monitoring, a scraper of its own beside the catalogue's: the top statements of
/// pg_stat_statements by time spent since the previous scrape, wait events and blocking sessions as
/// metrics (declared in metadata.yaml, recorded through the generated builder), and samples of
/// long-running queries as log records. Query text only ever leaves as fingerprint and normalized text.
/// Without pg_stat_statements it says so once and collects the rest.
/// </summary>
public sealed class QueryPerformanceScraper : IScraper
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
    private readonly ServerConnections _connections;
    private readonly KeyValue[] _serverAttributes;
    private readonly MetricsBuffer _buffer;
    private readonly PostgresqlMetricsBuilder _builder;
    private readonly Dictionary<(long QueryId, string Database, string User), StatementTotals> _previous = [];
    private int _serverVersionNum;
    private bool _reportedMissingExtension;

    /// <summary>Creates the scraper over connections shared with the receiver's other scrapers.</summary>
    /// <param name="options">Top N, the long-running threshold and the sample limit.</param>
    /// <param name="connections">The server's connection pools; statements run in its home database.</param>
    /// <param name="metricSet">The catalogue whose switches say which of these metrics are collected.</param>
    public QueryPerformanceScraper(QueryMonitoringOptions options, ServerConnections connections, PostgresqlMetricSet metricSet)
    {
        _options = options;
        _connections = connections;
        _serverAttributes = connections.ServerAttributes(metricSet);
        _buffer = new MetricsBuffer(UnixTime.NowNanoseconds(), _serverAttributes);
        _builder = new PostgresqlMetricsBuilder(metricSet.Config, _buffer);
    }

    /// <inheritdoc/>
    public string Name => "query_performance";

    /// <inheritdoc/>
    public async Task<ScrapeResult> ScrapeAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        _buffer.Clear();
        var errors = new List<ScrapeError>();
        var samples = new List<LogRecordData>();
        var timeUnixNano = UnixTime.NowNanoseconds();
        var queriesRun = 0;
        try
        {
            await using var connection = await _connections.OpenAsync(_connections.HomeDatabase, cancellationToken).ConfigureAwait(false);
            _serverVersionNum = connection.PostgreSqlVersion.Major * 10000;
            await Run("top_queries", () => CollectTopQueriesAsync(connection, timeUnixNano, errors, cancellationToken)).ConfigureAwait(false);
            await Run("wait_events", () => CollectWaitEventsAsync(connection, timeUnixNano, cancellationToken)).ConfigureAwait(false);

            // pg_stat_activity cuts statements to this many bytes; text that was cut is fingerprinted as truncated (0: unknown, never).
            var activityTextSize = 0L;
            await Run("track_activity_query_size", async () => activityTextSize = await ActivityQueryText.ReadTrackActivityQuerySizeAsync(connection, _connections.QueryTimeout, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            await Run("blocking_sessions", () => CollectBlockingAsync(connection, timeUnixNano, activityTextSize, cancellationToken)).ConfigureAwait(false);
            await Run("long_running_queries", () => CollectSamplesAsync(connection, timeUnixNano, activityTextSize, samples, cancellationToken)).ConfigureAwait(false);

            async Task Run(string name, Func<Task> collect)
            {
                queriesRun++;
                var checkpoint = _buffer.Checkpoint();
                try
                {
                    await collect().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidCastException or OperationCanceledException)
                {
                    _buffer.RollbackTo(checkpoint);
                    errors.Add(ScrapeErrorClassifier.Classify(ex, name, connection.Database, _connections.Password));
                }
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException or IOException)
        {
            errors.Add(ScrapeErrorClassifier.Classify(ex, null, _connections.HomeDatabase, _connections.Password));
        }

        return new ScrapeResult(_serverVersionNum, [], _buffer.Count, queriesRun, errors, stopwatch.Elapsed)
        {
            Metrics = _buffer,
            Logs = samples.Count == 0 ? LogBatch.Empty : new LogBatch(_serverAttributes, samples),
        };
    }

    private async Task CollectTopQueriesAsync(NpgsqlConnection connection, long timeUnixNano, List<ScrapeError> errors, CancellationToken cancellationToken)
    {
        await using (var check = CollectorSql.Statement("SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'", connection, _connections.QueryTimeout))
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
        var modern = connection.PostgreSqlVersion.Major >= 13;
        var sql = string.Format(System.Globalization.CultureInfo.InvariantCulture, StatementsSql,
            modern ? "total_exec_time" : "total_time",
            modern ? "s.wal_bytes::bigint" : "NULL::bigint");
        var current = new Dictionary<(long, string, string), StatementTotals>();
        var deltas = new List<(StatementTotals Delta, string Query, string Database, string User)>();
        await using (var command = CollectorSql.Statement(sql, connection, _connections.QueryTimeout))
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
            var (hex, text) = (fingerprint.Hex, fingerprint.NormalizedText);
            var totalSeconds = delta.TotalTimeMs / 1000;
            _builder.SetResource(postgresqlDatabaseName: database);
            _builder.RecordPostgresqlQueryCallsDataPoint(timeUnixNano, delta.Calls, hex, text, user);
            _builder.RecordPostgresqlQueryTotalTimeDataPoint(timeUnixNano, totalSeconds, hex, text, user);
            _builder.RecordPostgresqlQueryMeanTimeDataPoint(timeUnixNano, totalSeconds / delta.Calls, hex, text, user);
            _builder.RecordPostgresqlQueryRowsDataPoint(timeUnixNano, delta.Rows, hex, text, user);
            _builder.RecordPostgresqlQuerySharedBlocksHitDataPoint(timeUnixNano, delta.SharedBlocksHit, hex, text, user);
            _builder.RecordPostgresqlQuerySharedBlocksReadDataPoint(timeUnixNano, delta.SharedBlocksRead, hex, text, user);
            _builder.RecordPostgresqlQueryTempBlocksDataPoint(timeUnixNano, delta.TempBlocks, hex, text, user);
            if (modern)
            {
                _builder.RecordPostgresqlQueryWalBytesDataPoint(timeUnixNano, delta.WalBytes, hex, text, user);
            }
        }
    }

    private async Task CollectWaitEventsAsync(NpgsqlConnection connection, long timeUnixNano, CancellationToken cancellationToken)
    {
        _builder.SetResource();
        await using var command = CollectorSql.Statement(WaitEventsSql, connection, _connections.QueryTimeout);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            _builder.RecordPostgresqlWaitEventsDataPoint(timeUnixNano, reader.GetInt64(2), reader.GetString(0), reader.GetString(1));
        }
    }

    private async Task CollectBlockingAsync(NpgsqlConnection connection, long timeUnixNano, long activityTextSize, CancellationToken cancellationToken)
    {
        _builder.SetResource();
        await using var command = CollectorSql.Statement(BlockingSql, connection, _connections.QueryTimeout);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            _builder.RecordPostgresqlBlockingWaitTimeDataPoint(
                timeUnixNano,
                reader.GetDouble(4),
                reader.GetInt32(0),
                QueryFingerprinter.FingerprintActivity(reader.IsDBNull(1) ? null : reader.GetString(1), activityTextSize).Hex,
                reader.GetInt32(2),
                QueryFingerprinter.FingerprintActivity(reader.IsDBNull(3) ? null : reader.GetString(3), activityTextSize).Hex);
        }
    }

    private async Task CollectSamplesAsync(NpgsqlConnection connection, long timeUnixNano, long activityTextSize, List<LogRecordData> samples, CancellationToken cancellationToken)
    {
        await using var command = CollectorSql.Statement(LongRunningSql, connection, _connections.QueryTimeout);
        command.Parameters.Add(new NpgsqlParameter<double>("threshold", _options.LongRunningThreshold.TotalSeconds));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && samples.Count < _options.MaxSamples)
        {
            var fingerprint = QueryFingerprinter.FingerprintActivity(reader.IsDBNull(3) ? null : reader.GetString(3), activityTextSize);
            samples.Add(new LogRecordData(timeUnixNano, 13, "WARN", fingerprint.NormalizedText,
            [
                KeyValue.String("db.query.fingerprint", fingerprint.Hex),
                KeyValue.Int("pid", reader.GetInt32(0)),
                KeyValue.String("postgresql.database.name", reader.IsDBNull(1) ? string.Empty : reader.GetString(1)),
                KeyValue.String("db.user", reader.IsDBNull(2) ? string.Empty : reader.GetString(2)),
                KeyValue.Double("duration_s", reader.GetDouble(4)),
            ]));
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private readonly record struct StatementTotals(long Calls, double TotalTimeMs, long Rows, long SharedBlocksHit, long SharedBlocksRead, long TempBlocks, long WalBytes)
    {
        public static StatementTotals operator -(StatementTotals a, StatementTotals b)
            => new(a.Calls - b.Calls, a.TotalTimeMs - b.TotalTimeMs, a.Rows - b.Rows, a.SharedBlocksHit - b.SharedBlocksHit, a.SharedBlocksRead - b.SharedBlocksRead, a.TempBlocks - b.TempBlocks, a.WalBytes - b.WalBytes);
    }
}
