using System.Diagnostics;
using Npgsql;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Runs the queries of a <see cref="MetricSet"/> against one PostgreSQL server and returns their rows as
/// data points. A failing query is recorded as an error and the rest still run, so a scrape can be
/// partial. Instance-wide queries run in the home database; per-database queries in each selected
/// database, a few databases at a time, each into a buffer of its own that is merged in database order.
/// </summary>
public sealed class PostgresScraper : IScraper
{
    // Every database: queries over pg_database cover templates and databases that refuse connections
    // too (their transaction IDs age all the same); per-database queries connect only to the others,
    // and only where the role has CONNECT, so one denied database costs the rest nothing.
    private const string ListDatabasesSql = """
        SELECT datname, datallowconn AND NOT datistemplate, pg_catalog.has_database_privilege(oid, 'CONNECT')
        FROM pg_catalog.pg_database ORDER BY datname
        """;

    private readonly ScraperOptions _options;
    private readonly MetricSet _metricSet;
    private readonly ServerConnections _connections;
    private readonly bool _ownsConnections;
    private readonly KeyValue[] _serverAttributes;
    private readonly MetricsBuffer _buffer;
    private readonly MetricsBuffer? _semconvBuffer;
    private readonly Dictionary<string, MetricsBuffer> _databaseBuffers = new(StringComparer.Ordinal);

    // The database that recorded the most points in the last scrape; see ScrapeAsync.
    private string? _largestDatabase;

    /// <summary>
    /// Creates a scraper with connections of its own; no connection is opened until the first scrape. They
    /// load the server's types (<see cref="ServerConnections(ScraperOptions, bool)"/>) unless the set is the
    /// built-in catalogue.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string in <paramref name="options"/> is not valid.</exception>
    public PostgresScraper(ScraperOptions options, MetricSet metricSet)
        : this(options, metricSet, new ServerConnections(options, loadServerTypes: metricSet.LoadsServerTypes), ownsConnections: true)
    {
    }

    /// <summary>Creates a scraper that shares <paramref name="connections"/> with other scrapers of the same server.</summary>
    public PostgresScraper(ScraperOptions options, MetricSet metricSet, ServerConnections connections)
        : this(options, metricSet, connections, ownsConnections: false)
    {
    }

    /// <summary>Creates a scraper that shares <paramref name="connections"/> and goes by <paramref name="name"/> in self-metrics, e.g. <c>custom_metrics</c> beside the catalogue's <c>metrics</c>.</summary>
    public PostgresScraper(ScraperOptions options, MetricSet metricSet, ServerConnections connections, string name)
        : this(options, metricSet, connections, ownsConnections: false, name)
    {
    }

    private PostgresScraper(ScraperOptions options, MetricSet metricSet, ServerConnections connections, bool ownsConnections, string name = "metrics")
    {
        Name = name;
        _options = options;
        _metricSet = metricSet;
        _connections = connections;
        _ownsConnections = ownsConnections;
        _serverAttributes = connections.ServerAttributes(metricSet);
        _buffer = new MetricsBuffer(UnixTime.NowNanoseconds(), _serverAttributes);
        _semconvBuffer = connections.UseOTelSemconv ? new MetricsBuffer(_buffer.StartTimeUnixNano, _serverAttributes) : null;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The metrics and queries this scraper collects.</summary>
    public MetricSet MetricSet => _metricSet;

    /// <inheritdoc/>
    public async Task<ScrapeResult> ScrapeAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var buffer = _buffer;
        buffer.Clear();
        var errors = new List<ScrapeError>();
        var queriesRun = 0;
        var timeUnixNano = UnixTime.NowNanoseconds();
        var homeDatabase = _connections.HomeDatabase;
        var serverVersion = 0;
        IReadOnlyList<string> databases = [];
        IReadOnlyList<string> connectable = [];
        IReadOnlyList<SkippedDatabase> leftOut = [];
        var skipped = new List<SkippedQuery>();
        var rejected = new List<RejectedValue>();
        ScrapeContext context;
        try
        {
            await using var connection = await _connections.OpenAsync(homeDatabase, cancellationToken).ConfigureAwait(false);
            serverVersion = await ReadServerVersionAsync(connection, cancellationToken).ConfigureAwait(false);
            (databases, connectable, leftOut) = await SelectDatabasesAsync(connection, cancellationToken).ConfigureAwait(false);
            var settings = await ServerFacts.ReadSettingsAsync(connection, _metricSet.Queries, _connections.QueryTimeout, cancellationToken).ConfigureAwait(false);
            context = new ScrapeContext(serverVersion, settings, databases, timeUnixNano);
            var instanceQueries = _metricSet.Queries.Where(q => q.Scope == QueryScope.Instance && q.IsNeeded).ToList();
            var instanceRejected = new RejectedValueCounter();
            var (instanceQueriesRun, stopped) = await RunQueriesAsync(connection, instanceQueries, context, buffer, errors, skipped, instanceRejected, cancellationToken).ConfigureAwait(false);
            rejected.AddRange(instanceRejected.ToProblems(null));
            queriesRun += instanceQueriesRun;
            if (stopped)
            {
                return Finish();
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException or IOException)
        {
            errors.Add(ScrapeErrorClassifier.Classify(ex, null, homeDatabase, _connections.Password));
            return Finish();
        }

        var perDatabase = _metricSet.Queries.Where(q => q.Scope == QueryScope.PerDatabase && q.IsNeeded).ToList();
        if (perDatabase.Count == 0)
        {
            leftOut = [];
        }

        if (perDatabase.Count > 0 && connectable.Count > 0)
        {
            // Databases are scraped a few at a time (the gate), each into a buffer of its own, and merged
            // in database order so the output does not depend on which finished first.
            // The database that recorded the most points last time is scraped straight into the scrape's
            // buffer, after the instance queries, rather than into one of its own that would then be
            // copied in: with every table of a 10,000-table database collected, that copy is 200,000 points.
            using var gate = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentDatabases));
            var direct = _largestDatabase is { } largest && connectable.Contains(largest) ? largest : connectable[0];
            ForgetDatabaseBuffer(direct);
            var instancePoints = buffer.Count;
            buffer.ForgetCurrentResource();
            var scrapes = await Task.WhenAll(connectable.Select(database =>
                ScrapeDatabaseAsync(database, database == direct ? buffer : DatabaseBuffer(database), perDatabase, context, gate, cancellationToken))).ConfigureAwait(false);
            _largestDatabase = LargestOf(scrapes, direct, directPoints: buffer.Count - instancePoints);
            buffer.Append([.. scrapes.Where(s => s.Buffer != buffer).Select(s => s.Buffer)]);
            foreach (var scrape in scrapes)
            {
                errors.AddRange(scrape.Errors);
                skipped.AddRange(scrape.Skipped);
                rejected.AddRange(scrape.Rejected);
                queriesRun += scrape.QueriesRun;
            }
        }

        await ForgetDatabasesNotInAsync(connectable).ConfigureAwait(false);
        return Finish();

        ScrapeResult Finish()
            => new(serverVersion, databases, buffer.Count, queriesRun, errors, stopwatch.Elapsed)
            {
                Metrics = SemconvResourceLayout.InLayout(buffer, _semconvBuffer),
                Skipped = skipped,
                SkippedDatabases = leftOut,
                RejectedValues = rejected,
            };
    }

    /// <summary>What every query of one scrape shares, whichever database it runs in.</summary>
    private sealed record ScrapeContext(int ServerVersion, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> Databases, long TimeUnixNano);

    private sealed record DatabaseScrape(string Database, MetricsBuffer Buffer, List<ScrapeError> Errors, List<SkippedQuery> Skipped, IReadOnlyList<RejectedValue> Rejected, int QueriesRun);

    private async Task<DatabaseScrape> ScrapeDatabaseAsync(string database, MetricsBuffer buffer, IReadOnlyList<MetricQuery> queries, ScrapeContext context, SemaphoreSlim gate, CancellationToken cancellationToken)
    {
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
            await using var connection = await _connections.OpenAsync(database, cancellationToken).ConfigureAwait(false);
            (queriesRun, _) = await RunQueriesAsync(connection, queries, context, buffer, errors, skipped, rejected, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException or IOException)
        {
            errors.Add(ScrapeErrorClassifier.Classify(ex, null, database, _connections.Password));
        }
        finally
        {
            if (entered)
            {
                gate.Release();
            }
        }

        return new DatabaseScrape(database, buffer, errors, skipped, rejected.ToProblems(database).ToList(), queriesRun);
    }

    /// <summary>
    /// Runs the queries that apply to this server version in the connection's database, skipping those
    /// whose requirements it does not meet. Returns how many ran, and whether it stopped early because
    /// the scrape was cancelled (the remaining queries would only fail the same way).
    /// </summary>
    private async Task<(int QueriesRun, bool Stopped)> RunQueriesAsync(
        NpgsqlConnection connection, IReadOnlyList<MetricQuery> queries, ScrapeContext context, MetricsBuffer buffer, List<ScrapeError> errors, List<SkippedQuery> skipped, RejectedValueCounter rejected, CancellationToken cancellationToken)
    {
        var extensions = await ServerFacts.ReadExtensionsAsync(connection, queries, _connections.QueryTimeout, cancellationToken).ConfigureAwait(false);
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
            if (await RunQueryAsync(connection, query, sql, context, buffer, rejected, cancellationToken).ConfigureAwait(false) is { } error)
            {
                errors.Add(error);
                if (error.Kind is ScrapeErrorKind.Connection or ScrapeErrorKind.Timeout && cancellationToken.IsCancellationRequested)
                {
                    return (queriesRun, true);
                }

                if (connection.State != System.Data.ConnectionState.Open)
                {
                    // The server ended the session (a restart, pg_terminate_backend): the remaining queries
                    // cannot run on this connection, and Npgsql would throw for them outside its exceptions.
                    return (queriesRun, false);
                }
            }
        }

        return (queriesRun, false);
    }

    private async Task<ScrapeError?> RunQueryAsync(NpgsqlConnection connection, MetricQuery query, string sql, ScrapeContext context, MetricsBuffer buffer, RejectedValueCounter rejected, CancellationToken cancellationToken)
    {
        var checkpoint = buffer.Checkpoint();
        try
        {
            await using var command = CollectorSql.Statement(sql, connection, _connections.QueryTimeout);
            QueryParameters.Bind(command, context.Databases, _options.MaxRelationsPerDatabase);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (query.ReadResult(reader, buffer, context.TimeUnixNano, rejected) is { } shapeError)
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
            return ScrapeErrorClassifier.Classify(ex, query.Name, connection.Database, _connections.Password);
        }
    }

    private MetricsBuffer DatabaseBuffer(string database)
    {
        lock (_databaseBuffers)
        {
            if (!_databaseBuffers.TryGetValue(database, out var buffer))
            {
                buffer = new MetricsBuffer(commonResourceAttributes: _serverAttributes);
                _databaseBuffers[database] = buffer;
            }

            buffer.Clear();
            return buffer;
        }
    }

    /// <summary>The database whose points were the most, <paramref name="direct"/> on a tie so the choice stays put.</summary>
    private static string LargestOf(IReadOnlyList<DatabaseScrape> scrapes, string direct, int directPoints)
    {
        var (largest, most) = (direct, directPoints);
        foreach (var scrape in scrapes)
        {
            if (scrape.Database != direct && scrape.Buffer.Count > most)
            {
                (largest, most) = (scrape.Database, scrape.Buffer.Count);
            }
        }

        return largest;
    }

    private void ForgetDatabaseBuffer(string database)
    {
        lock (_databaseBuffers)
        {
            _databaseBuffers.Remove(database);
        }
    }

    /// <summary>Lets go of the buffers and pools of databases per-database queries no longer run in: dropped, no longer selected, or no longer allowed.</summary>
    private async Task ForgetDatabasesNotInAsync(IReadOnlyList<string> databases)
    {
        lock (_databaseBuffers)
        {
            foreach (var gone in _databaseBuffers.Keys.Where(d => !databases.Contains(d)).ToList())
            {
                _databaseBuffers.Remove(gone);
            }
        }

        await _connections.RetainOnlyAsync([.. databases]).ConfigureAwait(false);
    }

    /// <summary>The databases this scraper holds a buffer or its connections a pool for (tests check that those no longer collected are released).</summary>
    internal IReadOnlyCollection<string> HeldDatabases
    {
        get
        {
            lock (_databaseBuffers)
            {
                return [.. _databaseBuffers.Keys.Union(_connections.PooledDatabases)];
            }
        }
    }

    private async Task<int> ReadServerVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = CollectorSql.Statement("SELECT current_setting('server_version_num')::int", connection, _connections.QueryTimeout);
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// The selected databases (every row of pg_database that <c>databases</c>/<c>exclude_databases</c>
    /// select), those of them per-database queries connect to, and those left out for want of CONNECT.
    /// </summary>
    private async Task<(IReadOnlyList<string> Selected, IReadOnlyList<string> Connectable, IReadOnlyList<SkippedDatabase> LeftOut)> SelectDatabasesAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var all = new List<(string Name, bool AcceptsConnections, bool MayConnect)>();
        await using (var command = CollectorSql.Statement(ListDatabasesSql, connection, _connections.QueryTimeout))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                all.Add((reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2)));
            }
        }

        var selected = DatabaseSelection.Select(all.ConvertAll(d => d.Name), _options.Databases, _options.ExcludeDatabases);
        var connectable = new List<string>();
        var leftOut = new List<SkippedDatabase>();
        foreach (var database in all.Where(d => d.AcceptsConnections && selected.Contains(d.Name, StringComparer.Ordinal)))
        {
            if (database.MayConnect)
            {
                connectable.Add(database.Name);
            }
            else
            {
                leftOut.Add(new SkippedDatabase(database.Name,
                    $"the role may not CONNECT to it (has_database_privilege is false); GRANT CONNECT ON DATABASE \"{database.Name}\" TO {connection.UserName}, or list it in exclude_databases"));
            }
        }

        return (selected, connectable, leftOut);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_ownsConnections)
        {
            await _connections.DisposeAsync().ConfigureAwait(false);
        }
    }
}
