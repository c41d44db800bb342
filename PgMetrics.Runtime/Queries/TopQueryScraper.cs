using System.Diagnostics;
using System.Globalization;
using System.Diagnostics.CodeAnalysis;
using Npgsql;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// The receiver's top queries: the statements of pg_stat_statements that spent the most execution time since the
/// previous collection, each a <c>db.server.top_query</c> event with its plan (<c>top_n_query</c> of them), and the
/// <c>postgresql.query.*</c> metrics of the same deltas, summed per fingerprint (the <c>top_n_query</c> series that spent
/// the most; see <see cref="QuerySeries.Top"/>). Each collection reads every entry's counters without text and diffs
/// them all, so a statement that is slow only now is found however small its lifetime totals; text is read only for
/// the <c>max_rows_per_query</c> candidates whose text is not cached (<see cref="StatementTextCache"/>), so a steady
/// workload reads none. The view is read as the installed extension has it, in its own schema
/// (<see cref="PgStatStatementsExtension"/>). Plans are explained at most <c>max_explain_each_interval</c> per collection
/// and kept for <c>query_plan_cache_ttl</c>. The collector's own statements and statements run inside functions
/// (<c>toplevel</c> false) are left out. Without pg_stat_statements (or with one older than 1.2) it says so once and
/// collects nothing.
/// </summary>
public sealed class TopQueryScraper : IScraper
{
    private readonly TopQueryOptions _options;
    private readonly ServerConnections _connections;
    private readonly ServerQueryOutput _output;
    private readonly StatementDeltas _deltas = new();
    private readonly StatementTextCache _texts;
    private readonly QueryPlanner _planner;
    private readonly QueryPlanCache _plans;
    private readonly StatementTexts? _statementTexts;
    private bool _reportedMissingExtension;
    private string? _reportedUnsupportedVersion;

    /// <summary>Creates the scraper over connections shared with the receiver's other scrapers.</summary>
    /// <param name="options">Top N, rows read, and the plan budget, cache and its time to live.</param>
    /// <param name="connections">The server's pools: pg_stat_statements is read in the home database, plans in each statement's own.</param>
    /// <param name="metricSet">The catalogue whose switches say which <c>postgresql.query.*</c> metrics are collected.</param>
    /// <param name="queryTimeout">The longest one EXPLAIN may take on the server.</param>
    /// <param name="statementTexts">Where each collection leaves the text of every statement it read, for query samples to join by query id; null for nowhere.</param>
    public TopQueryScraper(TopQueryOptions options, ServerConnections connections, PostgresqlMetricSet metricSet, TimeSpan queryTimeout, StatementTexts? statementTexts = null)
    {
        _statementTexts = statementTexts;
        _options = options;
        _connections = connections;
        _output = new ServerQueryOutput(connections, metricSet);
        _planner = new QueryPlanner(connections, queryTimeout);
        _texts = new StatementTextCache(Math.Max(1, 2 * options.MaxRowsPerQuery));
        _plans = new QueryPlanCache(options.QueryPlanCacheSize, options.QueryPlanCacheTtl);
    }

    /// <inheritdoc/>
    public string Name => "top_queries";

    /// <summary>How many query ids' texts this scraper has read from pg_stat_statements since it was made; a steady workload adds none.</summary>
    public long TextsRead { get; private set; }

    /// <inheritdoc/>
    public async Task<ScrapeResult> ScrapeAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        _output.Begin();
        var errors = new List<ScrapeError>();
        var events = new List<LogRecordData>();
        var timeUnixNano = UnixTime.NowNanoseconds();
        var serverVersion = 0;
        var queriesRun = 0;
        try
        {
            List<TopQueryEvent> top = [];
            await using (var connection = await _connections.OpenAsync(_connections.HomeDatabase, cancellationToken).ConfigureAwait(false))
            {
                serverVersion = connection.PostgreSqlVersion.Major * 10000;
                queriesRun++;
                await QueryGuard.RunAsync("top_queries", connection, _output.Buffer, errors, _connections.Password,
                    async () => top = await ReadTopAsync(connection, timeUnixNano, errors, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            }

            // The home connection goes back first: explaining takes a connection of the statement's database, which may be the same pool.
            await AddPlansAsync(top, cancellationToken).ConfigureAwait(false);
            events.AddRange(top.Select(e => e.ToLogRecord(timeUnixNano)));
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException or IOException)
        {
            errors.Add(ScrapeErrorClassifier.Classify(ex, null, _connections.HomeDatabase, _connections.Password));
        }

        return _output.Result(serverVersion, queriesRun, errors, stopwatch.Elapsed, events);
    }

    private async Task<List<TopQueryEvent>> ReadTopAsync(NpgsqlConnection connection, long timeUnixNano, List<ScrapeError> errors, CancellationToken cancellationToken)
    {
        var extension = await PgStatStatementsExtension.ReadAsync(connection, _connections.QueryTimeout, cancellationToken).ConfigureAwait(false);
        if (!Supported(extension, connection.Database, errors))
        {
            return [];
        }

        _texts.BeginCollection();
        var changed = await ReadChangedAsync(connection, extension, cancellationToken).ConfigureAwait(false);

        // The candidates: the entries that spent the most execution time in this interval, never by lifetime totals or calls.
        changed.Sort((a, b) => b.Delta.ExecutionTimeMilliseconds.CompareTo(a.Delta.ExecutionTimeMilliseconds));
        var candidates = new List<TopQueryEvent>(Math.Min(changed.Count, _options.MaxRowsPerQuery));
        for (var next = 0; candidates.Count < _options.MaxRowsPerQuery && next < changed.Count;)
        {
            // The collector's own statements are known only once their text is read; those of a batch are replaced
            // by the next entries, so they never take a candidate's place.
            var batch = changed.GetRange(next, Math.Min(_options.MaxRowsPerQuery - candidates.Count, changed.Count - next));
            next += batch.Count;
            await ReadMissingTextsAsync(connection, extension, batch, cancellationToken).ConfigureAwait(false);
            foreach (var (key, delta) in batch)
            {
                // Not found: the collector's own, or evicted between the two statements (left out this time).
                if (_texts.TryGet(key, out var text))
                {
                    candidates.Add(new TopQueryEvent(key, text, delta, null));
                }
            }
        }

        _texts.EndCollection(_deltas.WasInLastReading);
        _statementTexts?.Replace(_texts.ByDatabaseAndQueryId());

        // Events are pg_stat_statements entries, one per query id as the receiver sends them; points are series,
        // one per attribute set, so entries that share a fingerprint are summed into one.
        foreach (var series in QuerySeries.Top(candidates, _options.TopNQuery))
        {
            Record(series, timeUnixNano, extension.HasExecTime);
        }

        return [.. candidates.Take(_options.TopNQuery)];
    }

    /// <summary>Reads every entry's counters (no text) and returns those that ran since the previous reading, with their difference.</summary>
    private async Task<List<(StatementKey Key, StatementTotals Delta)>> ReadChangedAsync(NpgsqlConnection connection, PgStatStatementsExtension extension, CancellationToken cancellationToken)
    {
        var changed = new List<(StatementKey Key, StatementTotals Delta)>();
        await using (var command = CollectorSql.Statement(extension.CountersQuery, connection, _connections.QueryTimeout))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = new StatementKey(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3));
                var totals = new StatementTotals(
                    ColumnReader.ReadInt64(reader, 4), ColumnReader.ReadDouble(reader, 5), ColumnReader.ReadDouble(reader, 6), ColumnReader.ReadInt64(reader, 7),
                    ColumnReader.ReadInt64(reader, 8), ColumnReader.ReadInt64(reader, 9), ColumnReader.ReadInt64(reader, 10), ColumnReader.ReadInt64(reader, 11),
                    ColumnReader.ReadInt64(reader, 12), ColumnReader.ReadInt64(reader, 13), ColumnReader.ReadInt64(reader, 14));
                var delta = _deltas.Next(key, totals);

                // Statements run inside functions (toplevel false, with pg_stat_statements.track = all) are left out: their
                // time is inside their caller's already.
                if (delta.Calls > 0 && key.TopLevel && !_texts.IsCollectorOwn(key))
                {
                    changed.Add((key, delta));
                }
            }
        }

        _deltas.EndReading();
        return changed;
    }

    /// <summary>Reads, in one statement, the text of the entries whose text is not cached (nor known to be the collector's own).</summary>
    private async Task ReadMissingTextsAsync(NpgsqlConnection connection, PgStatStatementsExtension extension, List<(StatementKey Key, StatementTotals Delta)> entries, CancellationToken cancellationToken)
    {
        var missing = new HashSet<long>();
        foreach (var (key, _) in entries)
        {
            if (!_texts.TryGet(key, out _) && !_texts.IsCollectorOwn(key))
            {
                missing.Add(long.Parse(key.QueryId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        await using var command = CollectorSql.Statement(extension.TextsQuery, connection, _connections.QueryTimeout);
        command.Parameters.Add(new NpgsqlParameter<long[]>("queryids", [.. missing]));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = new StatementKey(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3));
            _texts.Add(key, reader.IsDBNull(4) ? string.Empty : reader.GetString(4));
        }

        TextsRead += missing.Count;
    }

    /// <summary>Whether top queries can read the extension; says once why not (each different reason once).</summary>
    private bool Supported([NotNullWhen(true)] PgStatStatementsExtension? extension, string database, List<ScrapeError> errors)
    {
        if (extension is null)
        {
            if (!_reportedMissingExtension)
            {
                _reportedMissingExtension = true;
                errors.Add(new ScrapeError(ScrapeErrorKind.Query, "top_queries", database,
                    "pg_stat_statements is not installed (CREATE EXTENSION pg_stat_statements, with it in shared_preload_libraries); top queries are skipped, the rest is collected"));
            }

            return false;
        }

        if (!extension.IsSupported)
        {
            if (_reportedUnsupportedVersion != extension.InstalledVersion)
            {
                _reportedUnsupportedVersion = extension.InstalledVersion;
                errors.Add(new ScrapeError(ScrapeErrorKind.Query, "top_queries", database,
                    $"pg_stat_statements {extension.InstalledVersion} has no queryid, which top queries need (1.2 or later: ALTER EXTENSION pg_stat_statements UPDATE); top queries are skipped, the rest is collected"));
            }

            return false;
        }

        return true;
    }

    private void Record(QuerySeries series, long timeUnixNano, bool hasExecTime)
    {
        var (hex, text, user, delta) = (series.Key.Fingerprint, series.Key.Text, series.Key.Role, series.Delta);
        var totalSeconds = delta.ExecutionTimeMilliseconds / 1000;
        _output.Builder.SetResource(postgresqlDatabaseName: series.Key.Database);
        _output.Builder.RecordPostgresqlQueryCallsDataPoint(timeUnixNano, delta.Calls, hex, text, user);
        _output.Builder.RecordPostgresqlQueryTotalTimeDataPoint(timeUnixNano, totalSeconds, hex, text, user);
        _output.Builder.RecordPostgresqlQueryMeanTimeDataPoint(timeUnixNano, totalSeconds / delta.Calls, hex, text, user);
        _output.Builder.RecordPostgresqlQueryRowsDataPoint(timeUnixNano, delta.Rows, hex, text, user);
        _output.Builder.RecordPostgresqlQuerySharedBlocksHitDataPoint(timeUnixNano, delta.SharedBlocksHit, hex, text, user);
        _output.Builder.RecordPostgresqlQuerySharedBlocksReadDataPoint(timeUnixNano, delta.SharedBlocksRead, hex, text, user);
        _output.Builder.RecordPostgresqlQueryTempBlocksDataPoint(timeUnixNano, delta.TempBlocksRead + delta.TempBlocksWritten, hex, text, user);
        if (hasExecTime)
        {
            _output.Builder.RecordPostgresqlQueryWalBytesDataPoint(timeUnixNano, delta.WalBytes, hex, text, user);
        }
    }

    /// <summary>Attaches each statement's plan: from the cache, or explained now while the interval's budget lasts.</summary>
    private async Task AddPlansAsync(List<TopQueryEvent> top, CancellationToken cancellationToken)
    {
        var explained = 0;
        for (var i = 0; i < top.Count; i++)
        {
            var (key, query) = (top[i].Key, top[i].Query);
            var plan = _plans.Find(key.Database, key.QueryId);
            if (plan is null && explained < _options.MaxExplainEachInterval)
            {
                explained++;
                plan = await _planner.ExplainAsync(key.Database, query, cancellationToken).ConfigureAwait(false);
                _plans.Add(key.Database, key.QueryId, plan);
            }

            top[i] = top[i] with { Plan = plan };
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _plans.Dispose();
        return ValueTask.CompletedTask;
    }
}
