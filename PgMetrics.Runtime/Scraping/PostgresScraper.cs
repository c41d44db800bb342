using System.Diagnostics;
using Npgsql;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Runs the queries of a <see cref="MetricSet"/> against one PostgreSQL server and records their rows
/// into a <see cref="MetricsBuffer"/>. A failing query is recorded as an error and the rest still
/// run, so a scrape can be partial. One connection pool per database, kept between scrapes.
/// </summary>
public sealed class PostgresScraper : IAsyncDisposable
{
    private const string ServerAddressAttribute = "server.address";
    private const string ServerPortAttribute = "server.port";
    private const string ListDatabasesSql =
        "SELECT datname FROM pg_catalog.pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname";

    private readonly ScraperOptions _options;
    private readonly MetricSet _metricSet;
    private readonly NpgsqlConnectionStringBuilder _baseConnection;
    private readonly Dictionary<string, NpgsqlDataSource> _dataSources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MetricsBuffer> _databaseBuffers = new(StringComparer.Ordinal);
    private readonly Queries.QueryPerformanceCollector? _queryMonitoring;

    /// <summary>Creates a scraper; no connection is opened until the first scrape.</summary>
    public PostgresScraper(ScraperOptions options, MetricSet metricSet)
    {
        _options = options;
        _metricSet = metricSet;
        _queryMonitoring = options.QueryMonitoring.Enabled ? new Queries.QueryPerformanceCollector(options.QueryMonitoring) : null;
        _baseConnection = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            ApplicationName = options.ApplicationName,
            CommandTimeout = (int)Math.Ceiling(options.QueryTimeout.TotalSeconds) + 5,
        };

        // The server enforces the limit too, so a slow query is cancelled there, not only abandoned here.
        var statementTimeout = $"-c statement_timeout={(long)options.QueryTimeout.TotalMilliseconds}";
        _baseConnection.Options = string.IsNullOrEmpty(_baseConnection.Options) ? statementTimeout : _baseConnection.Options + " " + statementTimeout;
        if (string.IsNullOrEmpty(_baseConnection.Database))
        {
            _baseConnection.Database = "postgres";
        }
    }

    /// <summary>Long-running query samples from the last scrape (empty unless query monitoring is on).</summary>
    public IReadOnlyList<Otlp.LogRecordData> QuerySamples => _queryMonitoring?.Samples ?? [];

    /// <summary>The metrics and queries this scraper collects.</summary>
    public MetricSet MetricSet => _metricSet;

    /// <summary>Runs one scrape. Never throws for failures of the server or its queries; they are in the result.</summary>
    public async Task<ScrapeResult> ScrapeAsync(MetricsBuffer buffer, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var serverAttributes = ServerAttributes();
        var callerCommonAttributes = buffer.CommonResourceAttributes;
        buffer.CommonResourceAttributes = serverAttributes;
        var errors = new List<ScrapeError>();
        var pointsBefore = buffer.Count;
        var queriesRun = 0;
        var timestamp = UnixTime.NowNanoseconds();
        var homeDatabase = _baseConnection.Database!;

        var serverVersion = 0;
        IReadOnlyList<string> databases = [];
        var skipped = new List<SkippedQuery>();
        var rejected = new List<RejectedValue>();
        ScrapeContext context;
        try
        {
            await using var connection = await DataSourceFor(homeDatabase).OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            serverVersion = await ReadServerVersionAsync(connection, cancellationToken).ConfigureAwait(false);
            databases = await SelectDatabasesAsync(connection, cancellationToken).ConfigureAwait(false);
            var settings = await ServerFacts.ReadSettingsAsync(connection, _metricSet.Queries, cancellationToken).ConfigureAwait(false);
            context = new ScrapeContext(serverVersion, settings, databases, timestamp, serverAttributes);
            var instanceQueries = _metricSet.Queries.Where(q => q.Scope == QueryScope.Instance && q.IsNeeded).ToList();
            var instanceRejected = new RejectedValueCounter();
            var (instanceQueriesRun, stopped) = await RunQueriesAsync(connection, instanceQueries, context, buffer, errors, skipped, instanceRejected, cancellationToken).ConfigureAwait(false);
            rejected.AddRange(instanceRejected.ToProblems(null));
            queriesRun += instanceQueriesRun;
            if (stopped)
            {
                return Finish();
            }

            if (_queryMonitoring is not null)
            {
                queriesRun++;
                errors.AddRange(await _queryMonitoring.CollectAsync(connection, serverVersion, buffer, timestamp, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException or IOException)
        {
            errors.Add(ScrapeErrorClassifier.Classify(ex, null, homeDatabase, _baseConnection.Password));
            return Finish();
        }

        var perDatabase = _metricSet.Queries.Where(q => q.Scope == QueryScope.PerDatabase && q.IsNeeded).ToList();
        if (perDatabase.Count > 0 && databases.Count > 0)
        {
            // Databases are scraped a few at a time (the gate), each into a buffer of its own, and merged
            // in database order so the output does not depend on which finished first.
            using var gate = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentDatabases));
            var scrapes = await Task.WhenAll(databases.Select(database => ScrapeDatabaseAsync(database, perDatabase, context, gate, cancellationToken))).ConfigureAwait(false);

            foreach (var scrape in scrapes)
            {
                buffer.Append(scrape.Buffer);
                errors.AddRange(scrape.Errors);
                skipped.AddRange(scrape.Skipped);
                rejected.AddRange(scrape.Rejected);
                queriesRun += scrape.QueriesRun;
            }
        }

        return Finish();

        ScrapeResult Finish()
        {
            buffer.CommonResourceAttributes = callerCommonAttributes;
            return new(serverVersion, databases, buffer.Count - pointsBefore, queriesRun, errors, stopwatch.Elapsed) { Skipped = skipped, RejectedValues = rejected };
        }
    }

    /// <summary>What every query of one scrape shares, whichever database it runs in.</summary>
    private sealed record ScrapeContext(
        int ServerVersion, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> Databases, long Timestamp, KeyValue[] ServerAttributes);

    private sealed record DatabaseScrape(MetricsBuffer Buffer, List<ScrapeError> Errors, List<SkippedQuery> Skipped, IReadOnlyList<RejectedValue> Rejected, int QueriesRun);

    private async Task<DatabaseScrape> ScrapeDatabaseAsync(string database, IReadOnlyList<MetricQuery> queries, ScrapeContext context, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        var buffer = DatabaseBuffer(database);
        buffer.CommonResourceAttributes = context.ServerAttributes;
        var errors = new List<ScrapeError>();
        var skipped = new List<SkippedQuery>();
        var rejected = new RejectedValueCounter();
        var queriesRun = 0;
        var entered = false;
        try
        {
            // Waiting for a turn is inside the try, so a scrape cancelled while databases queue is an error value, not an exception.
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            entered = true;
            await using var connection = await DataSourceFor(database).OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            (queriesRun, _) = await RunQueriesAsync(connection, queries, context, buffer, errors, skipped, rejected, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException or IOException)
        {
            errors.Add(ScrapeErrorClassifier.Classify(ex, null, database, _baseConnection.Password));
        }
        finally
        {
            if (entered)
            {
                gate.Release();
            }
        }

        return new DatabaseScrape(buffer, errors, skipped, rejected.ToProblems(database).ToList(), queriesRun);
    }

    /// <summary>
    /// Runs the queries that apply to this server version in the connection's database, skipping those
    /// whose requirements it does not meet. Returns how many ran, and whether it stopped early because
    /// the scrape was cancelled (the remaining queries would only fail the same way).
    /// </summary>
    private async Task<(int QueriesRun, bool Stopped)> RunQueriesAsync(
        NpgsqlConnection connection, IReadOnlyList<MetricQuery> queries, ScrapeContext context, MetricsBuffer buffer, List<ScrapeError> errors, List<SkippedQuery> skipped, RejectedValueCounter rejected, CancellationToken cancellationToken)
    {
        var extensions = await ServerFacts.ReadExtensionsAsync(connection, queries, cancellationToken).ConfigureAwait(false);
        var queriesRun = 0;
        foreach (var query in queries)
        {
            if (query.SelectSql(context.ServerVersion) is not { } sql)
            {
                continue;
            }

            if (ServerFacts.UnmetRequirement(query, context.Settings, extensions) is { } unmet)
            {
                skipped.Add(new SkippedQuery(query.Name, connection.Database, unmet));
                continue;
            }

            queriesRun++;
            if (await RunQueryAsync(connection, query, sql, context.Databases, buffer, context.Timestamp, rejected, cancellationToken).ConfigureAwait(false) is { } error)
            {
                errors.Add(error);
                if (error.Kind is ScrapeErrorKind.Connection or ScrapeErrorKind.Timeout && cancellationToken.IsCancellationRequested)
                {
                    return (queriesRun, true);
                }
            }
        }

        return (queriesRun, false);
    }

    /// <summary>
    /// <c>server.address</c> and <c>server.port</c>, when the metric set declares and enables them: they
    /// go on every resource, so the same database name on two servers stays two resources.
    /// </summary>
    private KeyValue[] ServerAttributes()
    {
        var attributes = new List<KeyValue>(2);
        if (_metricSet.FindResourceAttribute(ServerAddressAttribute) is { Enabled: true })
        {
            attributes.Add(KeyValue.String(ServerAddressAttribute, _baseConnection.Host ?? "localhost"));
        }

        if (_metricSet.FindResourceAttribute(ServerPortAttribute) is { Enabled: true })
        {
            attributes.Add(KeyValue.Int(ServerPortAttribute, _baseConnection.Port));
        }

        return [.. attributes];
    }

    private MetricsBuffer DatabaseBuffer(string database)
    {
        lock (_databaseBuffers)
        {
            if (!_databaseBuffers.TryGetValue(database, out var buffer))
            {
                buffer = new MetricsBuffer();
                _databaseBuffers[database] = buffer;
            }

            buffer.Clear();
            return buffer;
        }
    }

    private async Task<ScrapeError?> RunQueryAsync(NpgsqlConnection connection, MetricQuery query, string sql, IReadOnlyList<string> databases, MetricsBuffer buffer, long timestamp, RejectedValueCounter rejected, CancellationToken cancellationToken)
    {
        var checkpoint = buffer.Checkpoint();
        try
        {
            await using var command = CollectorSql.Command(sql, connection);
            QueryParameters.Bind(command, databases, _options.MaxRelationsPerDatabase);

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (query.ReadResult(reader, buffer, timestamp, rejected) is { } shapeError)
            {
                buffer.RollbackTo(checkpoint);
                return new ScrapeError(ScrapeErrorKind.Query, query.Name, connection.Database, shapeError);
            }

            return null;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException or InvalidCastException or IOException)
        {
            // Rows recorded before the failure are dropped so a query's metrics are all or nothing.
            buffer.RollbackTo(checkpoint);
            return ScrapeErrorClassifier.Classify(ex, query.Name, connection.Database, _baseConnection.Password);
        }
    }

    private static async Task<int> ReadServerVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = CollectorSql.Command("SELECT current_setting('server_version_num')::int", connection);
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<IReadOnlyList<string>> SelectDatabasesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var all = new List<string>();
        await using (var command = CollectorSql.Command(ListDatabasesSql, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                all.Add(reader.GetString(0));
            }
        }

        return DatabaseSelection.Select(all, _options.Databases, _options.ExcludeDatabases);
    }

    private NpgsqlDataSource DataSourceFor(string database)
    {
        lock (_dataSources)
        {
            if (!_dataSources.TryGetValue(database, out var dataSource))
            {
                // A scrape uses one connection per database at a time; idle ones close soon after, so a
                // server with hundreds of databases does not hold hundreds of connections between scrapes.
                var builder = new NpgsqlConnectionStringBuilder(_baseConnection.ConnectionString)
                {
                    Database = database,
                    MaxPoolSize = 2,
                    ConnectionIdleLifetime = 30,
                    ConnectionPruningInterval = 10,
                };
                dataSource = NpgsqlDataSource.Create(builder);
                _dataSources[database] = dataSource;
            }

            return dataSource;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var dataSource in _dataSources.Values)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }

        _dataSources.Clear();
    }
}
