using System.Diagnostics;
using Npgsql;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// The receiver's query samples: active sessions of pg_stat_activity, and idle ones that block others, each a
/// <c>db.server.query_sample</c> event with who blocks it and on which lock; beside them the
/// <c>postgresql.wait_events</c> metric. An idle session whose statement started before the newest one already
/// sampled is not sampled again, as the receiver's <c>newestQueryTimestamp</c>. Statement text leaves only
/// normalized.
/// </summary>
public sealed class QuerySampleScraper : IScraper
{
    // As the receiver's querySampleTemplate.tmpl: the blocking lock is the session's ungranted one, its wait
    // counted from state_change (which works on every version); the relation is named only in the database
    // samples are read from, where pg_class can resolve it. query_id exists from PostgreSQL 14 on.
    private const string SamplesSql = """
        SELECT coalesce(sa.datname, ''), coalesce(sa.usename, ''), sa.query, coalesce(sa.state, ''), sa.pid,
               coalesce(sa.application_name, ''), coalesce(sa.client_addr::text, ''), coalesce(sa.client_port, 0),
               coalesce(sa.client_hostname, ''), coalesce(sa.query_start::text, ''), coalesce(sa.wait_event, ''),
               coalesce(sa.wait_event_type, ''), {0},
               CASE WHEN sa.state = 'active' THEN extract(epoch FROM clock_timestamp() - sa.query_start) * 1e3
                    WHEN sa.state_change IS NOT NULL THEN extract(epoch FROM sa.state_change - sa.query_start) * 1e3
                    ELSE 0 END::float8,
               coalesce(pg_blocking_pids(sa.pid)::text, '{{}}'),
               CASE WHEN bl.waitstart IS NOT NULL THEN to_char(bl.waitstart AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') ELSE '' END,
               coalesce(extract(epoch FROM clock_timestamp() - bl.waitstart)::bigint, 0),
               coalesce(bl.mode, ''), coalesce(bl.locktype, ''), coalesce(c.relname::text, ''),
               CASE WHEN sa.xact_start IS NOT NULL THEN to_char(sa.xact_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') ELSE '' END,
               extract(epoch FROM sa.query_start)::float8
        FROM pg_stat_activity sa
        LEFT JOIN LATERAL (SELECT l.mode, l.locktype, l.relation, l.database, sa.state_change AS waitstart
                           FROM pg_locks l WHERE l.pid = sa.pid AND NOT l.granted LIMIT 1) bl ON true
        LEFT JOIN pg_class c ON c.oid = bl.relation AND bl.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        WHERE coalesce(trim(sa.query), '') <> '' AND sa.query <> '<insufficient privilege>'
          AND sa.query NOT LIKE '%/* pgmetrics */' AND sa.pid <> pg_backend_pid() AND sa.query_start IS NOT NULL
          AND sa.backend_type = 'client backend'
          AND NOT (sa.query_start < to_timestamp(@newest) AND sa.state = 'idle')
          AND (sa.state = 'active' OR sa.pid IN (SELECT unnest(pg_blocking_pids(pid)) FROM pg_stat_activity WHERE cardinality(pg_blocking_pids(pid)) > 0))
        LIMIT @limit
        """;

    private const string WaitEventsSql = """
        SELECT wait_event_type, wait_event, count(*)
        FROM pg_stat_activity
        WHERE wait_event IS NOT NULL AND state IS DISTINCT FROM 'idle' AND backend_type = 'client backend'
        GROUP BY 1, 2
        """;

    private readonly QuerySampleOptions _options;
    private readonly ServerConnections _connections;
    private readonly ServerQueryOutput _output;
    private readonly StatementTexts? _statementTexts;
    private double _newestQueryStart;

    /// <summary>Creates the scraper over connections shared with the receiver's other scrapers.</summary>
    /// <param name="options">How many sessions one sample reads.</param>
    /// <param name="connections">The server's connection pools; samples are read in its home database.</param>
    /// <param name="metricSet">The catalogue whose switches say whether <c>postgresql.wait_events</c> is collected.</param>
    /// <param name="statementTexts">
    /// pg_stat_statements' texts by query id, kept by the receiver's top-query scraper: a session whose query id is
    /// there is fingerprinted from that text, as its top query is; null to fingerprint the activity text only.
    /// </param>
    public QuerySampleScraper(QuerySampleOptions options, ServerConnections connections, PostgresqlMetricSet metricSet, StatementTexts? statementTexts = null)
    {
        _statementTexts = statementTexts;
        _options = options;
        _connections = connections;
        _output = new ServerQueryOutput(connections, metricSet);
    }

    /// <inheritdoc/>
    public string Name => "query_samples";

    /// <inheritdoc/>
    public async Task<ScrapeResult> ScrapeAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        _output.Begin();
        var errors = new List<ScrapeError>();
        var samples = new List<LogRecordData>();
        var timeUnixNano = UnixTime.NowNanoseconds();
        var serverVersion = 0;
        var queriesRun = 0;
        try
        {
            await using var connection = await _connections.OpenAsync(_connections.HomeDatabase, cancellationToken).ConfigureAwait(false);
            serverVersion = connection.PostgreSqlVersion.Major * 10000;

            // pg_stat_activity cuts statements to this many bytes; text that was cut is fingerprinted as truncated (0: unknown, never).
            var activityTextSize = 0L;
            queriesRun++;
            await QueryGuard.RunAsync("track_activity_query_size", connection, _output.Buffer, errors, _connections.Password,
                async () => activityTextSize = await ActivityQueryText.ReadTrackActivityQuerySizeAsync(connection, _connections.QueryTimeout, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            queriesRun++;
            await QueryGuard.RunAsync("query_samples", connection, _output.Buffer, errors, _connections.Password,
                () => CollectSamplesAsync(connection, timeUnixNano, activityTextSize, samples, cancellationToken)).ConfigureAwait(false);
            queriesRun++;
            await QueryGuard.RunAsync("wait_events", connection, _output.Buffer, errors, _connections.Password,
                () => CollectWaitEventsAsync(connection, timeUnixNano, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException or IOException)
        {
            errors.Add(ScrapeErrorClassifier.Classify(ex, null, _connections.HomeDatabase, _connections.Password));
        }

        return _output.Result(serverVersion, queriesRun, errors, stopwatch.Elapsed, samples);
    }

    private async Task CollectSamplesAsync(NpgsqlConnection connection, long timeUnixNano, long activityTextSize, List<LogRecordData> samples, CancellationToken cancellationToken)
    {
        var sql = string.Format(System.Globalization.CultureInfo.InvariantCulture, SamplesSql,
            connection.PostgreSqlVersion.Major >= 14 ? "coalesce(sa.query_id::text, '')" : "''::text");
        await using var command = CollectorSql.Statement(sql, connection, _connections.QueryTimeout);
        command.Parameters.Add(new NpgsqlParameter<double>("newest", _newestQueryStart));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", _options.MaxRowsPerQuery));
        var newest = _newestQueryStart;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sample = new QuerySampleEvent(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetString(5), reader.GetString(6), reader.GetInt32(7), reader.GetString(8), reader.GetString(9),
                reader.GetString(10), reader.GetString(11), reader.GetString(12), reader.GetDouble(13), reader.GetString(14),
                reader.GetString(15), reader.GetInt64(16), reader.GetString(17), reader.GetString(18), reader.GetString(19),
                reader.GetString(20))
            {
                TrackActivityQuerySize = activityTextSize,
            };
            sample = sample with { StatementText = _statementTexts?.Find(sample.Database, sample.QueryId) };
            samples.Add(sample.ToLogRecord(timeUnixNano));
            newest = Math.Max(newest, reader.GetDouble(21));
        }

        _newestQueryStart = newest;
    }

    private async Task CollectWaitEventsAsync(NpgsqlConnection connection, long timeUnixNano, CancellationToken cancellationToken)
    {
        _output.Builder.SetResource();
        await using var command = CollectorSql.Statement(WaitEventsSql, connection, _connections.QueryTimeout);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            _output.Builder.RecordPostgresqlWaitEventsDataPoint(timeUnixNano, reader.GetInt64(2), reader.GetString(0), reader.GetString(1));
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
