using System.Diagnostics;
using Npgsql;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Runs the queries of a <see cref="MetricSet"/> against one PostgreSQL server and returns their rows as
/// data points. A failing query is recorded as an error and the rest still run, so a scrape can be
/// partial. Instance-wide queries run first, in the home database; then per-database queries in each selected
/// database, at most <c>max_concurrent_databases</c> connections at once; a database whose queries are slow
/// shares them between two connections when a slot is free (<c>QueryLanes</c>). Each lane records
/// into a buffer of its own, merged in a fixed order, so the output does not depend on which finished first.
/// </summary>
public sealed partial class PostgresScraper : IScraper
{
    // Every database: queries over pg_database cover templates and databases that refuse connections
    // too (their transaction IDs age all the same); per-database queries connect only to the others,
    // and only where the role has CONNECT, so one denied database costs the rest nothing. A database someone is
    // dropping (or renaming, or moving) holds an ACCESS EXCLUSIVE lock on its pg_database object while DROP DATABASE
    // waits up to 5 s for the database's sessions to leave: it is left out, and its idle connections closed at once.
    private const string ListDatabasesSql = """
        SELECT d.datname, d.datallowconn AND NOT d.datistemplate, pg_catalog.has_database_privilege(d.oid, 'CONNECT'),
               EXISTS (SELECT 1 FROM pg_catalog.pg_locks l
                       WHERE l.locktype = 'object' AND l.classid = 'pg_catalog.pg_database'::pg_catalog.regclass
                         AND l.objid = d.oid AND l.mode = 'AccessExclusiveLock')
        FROM pg_catalog.pg_database d ORDER BY d.datname
        """;

    private readonly ScraperOptions _options;
    private readonly MetricSet _metricSet;
    private readonly ServerConnections _connections;
    private readonly bool _ownsConnections;
    private readonly KeyValue[] _serverAttributes;
    private readonly MetricsBuffer _buffer;
    private readonly MetricsBuffer? _semconvBuffer;
    // Each database's buffer of its own (lane 0) and its second lane's (1), kept from scrape to scrape.
    private readonly Dictionary<(string Database, int Lane), MetricsBuffer> _databaseBuffers = [];
    private readonly QueryLanes _lanes = new();

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
        var lockedRelations = new List<SkippedRelation>();
        var rejected = new List<RejectedValue>();
        IReadOnlyList<ServerCondition> conditions = [];
        ScrapeContext context;
        NpgsqlConnection? home = null;
        try
        {
            home = await _connections.OpenAsync(homeDatabase, cancellationToken).ConfigureAwait(false);
            (serverVersion, var behindPooler) = await ReadServerAsync(home, cancellationToken).ConfigureAwait(false);
            (databases, connectable, leftOut) = await SelectDatabasesAsync(home, cancellationToken).ConfigureAwait(false);
            // Now, not after the scrape: an idle connection to a database being dropped would make DROP DATABASE fail.
            await _connections.RetainOnlyAsync(connectable).ConfigureAwait(false);
            var settings = await ServerFacts.ReadSettingsAsync(home, _metricSet.Queries, _connections.QueryTimeout, cancellationToken).ConfigureAwait(false);
            conditions = await ServerConditions.ReadAsync(home, databases, _metricSet, _connections.QueryTimeout, cancellationToken).ConfigureAwait(false);
            context = new ScrapeContext(serverVersion, settings, databases, timeUnixNano, behindPooler);
        }
        catch (Exception ex)
        {
            if (home is not null)
            {
                await home.DisposeAsync().ConfigureAwait(false);
            }

            // Anything but the server's failures is a defect and propagates, the connection given back all the same.
            if (ex is not (NpgsqlException or TimeoutException or OperationCanceledException or IOException))
            {
                throw;
            }

            errors.Add(ScrapeErrorClassifier.Classify(ex, null, homeDatabase, _connections.Password));
            return Finish();
        }

        // The instance queries run first, alone: they read pg_stat_activity and pg_locks, which would
        // otherwise count the collector's own sessions in the databases.
        var instanceQueries = _metricSet.Queries.Where(q => q.Scope == QueryScope.Instance && q.IsNeeded).ToList();
        var instance = await RunInstanceQueriesAsync(home, instanceQueries, context, buffer, cancellationToken).ConfigureAwait(false);
        Add(instance, null);
        if (instance.Stopped)
        {
            return Finish();
        }

        var perDatabase = _metricSet.Queries.Where(q => q.Scope == QueryScope.PerDatabase && q.IsNeeded).ToList();
        if (perDatabase.Count == 0)
        {
            leftOut = [];
        }

        if (perDatabase.Count > 0 && connectable.Count > 0)
        {
            // Databases are scraped on at most max_concurrent_databases connections at once (the gate), each
            // into buffers of its own, and merged in database order so the output does not depend on which
            // finished first. The database that recorded the most points last time is scraped straight into
            // the scrape's buffer, after the instance queries, rather than into one of its own that would then
            // be copied in: with every table of a 10,000-table database collected, that copy is 200,000 points.
            using var gate = new ConnectionGate(_options.MaxConcurrentDatabases, connectable.Count);
            var direct = _largestDatabase is { } largest && connectable.Contains(largest) ? largest : connectable[0];
            ForgetDatabaseBuffer(direct);
            var instancePoints = buffer.Count;
            buffer.ForgetCurrentResource();
            var scrapes = await Task.WhenAll(connectable.Select(database =>
                ScrapeDatabaseAsync(database, database == direct ? buffer : DatabaseBuffer(database), perDatabase, context, gate, cancellationToken))).ConfigureAwait(false);
            _largestDatabase = LargestOf(scrapes, buffer, direct, directPoints: buffer.Count - instancePoints);
            buffer.Append([.. scrapes.SelectMany(s => s.Lanes).Select(l => l.Buffer).Where(b => b != buffer)]);
            foreach (var scrape in scrapes)
            {
                foreach (var lane in scrape.Lanes)
                {
                    Add(lane, scrape.Database);
                }
            }
        }

        await ForgetDatabasesNotInAsync(connectable).ConfigureAwait(false);
        return Finish();

        void Add(LaneResult lane, string? database)
        {
            errors.AddRange(lane.Errors);
            skipped.AddRange(lane.Skipped);
            lockedRelations.AddRange(lane.LockedRelations);
            rejected.AddRange(lane.Rejected.ToProblems(database));
            queriesRun += lane.QueriesRun;
        }

        ScrapeResult Finish()
            => new(serverVersion, databases, buffer.Count, queriesRun, errors, stopwatch.Elapsed)
            {
                Metrics = SemconvResourceLayout.InLayout(buffer, _semconvBuffer),
                Skipped = skipped,
                SkippedDatabases = leftOut,
                SkippedRelations = lockedRelations,
                RejectedValues = rejected,
                Conditions = conditions,
            };
    }

    /// <summary>What every query of one scrape shares, whichever database it runs in.</summary>
    /// <param name="BehindPooler">
    /// Whether the connections go through a connection pooler such as PgBouncer: then each database is scraped
    /// on one connection, as in a pool of one server connection per database (a session pool's
    /// <c>pool_size = 1</c>) a second lane would wait for the first, which waits for it.
    /// </param>
    private sealed record ScrapeContext(int ServerVersion, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> Databases, long TimeUnixNano, bool BehindPooler);

    /// <summary>
    /// Runs the queries that apply to this server version in the connection's database into
    /// <paramref name="lane"/>, skipping those whose requirements (settings, the database's
    /// <paramref name="extensions"/>) it does not meet; a query's failure is an error in the lane. It notes
    /// how long each per-database query took for the next scrape's lanes, and stops early when the scrape is
    /// cancelled (the remaining queries would only fail the same way; the lane is marked stopped) or the
    /// server ends the session.
    /// </summary>
    private async Task RunQueriesAsync(NpgsqlConnection connection, IReadOnlyList<MetricQuery> queries, ScrapeContext context, InstalledExtensions extensions, LaneResult lane, CancellationToken cancellationToken)
    {
        foreach (var query in queries)
        {
            if (query.SelectSql(context.ServerVersion) is not { } sql)
            {
                continue;
            }

            if (ServerFacts.UnmetRequirement(query, context.Settings, extensions) is { } unmet)
            {
                lane.Skipped.Add(new SkippedQuery(query.Name, connection.Database, unmet));
                NoteDuration(query, TimeSpan.Zero);
                continue;
            }

            lane.QueriesRun++;
            var started = Stopwatch.GetTimestamp();
            var searchPath = query.Requirements.NeedsExtensions ? extensions.SearchPathFor(query.Requirements.Extensions) : null;
            var error = await RunQueryAsync(connection, query, sql, searchPath, context, lane.Buffer, lane.Rejected, cancellationToken).ConfigureAwait(false);
            NoteDuration(query, Stopwatch.GetElapsedTime(started));
            if (error is not null)
            {
                lane.Errors.Add(error);
                if (error.Kind is ScrapeErrorKind.Connection or ScrapeErrorKind.Timeout && cancellationToken.IsCancellationRequested)
                {
                    lane.Stopped = true;
                    return;
                }

                if (connection.State != System.Data.ConnectionState.Open)
                {
                    // The server ended the session (a restart, pg_terminate_backend): the remaining queries
                    // cannot run on this connection, and Npgsql would throw for them outside its exceptions.
                    return;
                }
            }
        }

        void NoteDuration(MetricQuery query, TimeSpan duration)
        {
            if (query.Scope == QueryScope.PerDatabase)
            {
                _lanes.Record(connection.Database, query.Name, duration);
            }
        }
    }

    private async Task<ScrapeError?> RunQueryAsync(NpgsqlConnection connection, MetricQuery query, string sql, string? searchPath, ScrapeContext context, MetricsBuffer buffer, RejectedValueCounter rejected, CancellationToken cancellationToken)
    {
        var checkpoint = buffer.Checkpoint();
        try
        {
            await using var command = CollectorSql.Statement(sql, connection, _connections.QueryTimeout, searchPath);
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

    /// <summary>Lets go of the buffers and pools of databases per-database queries no longer run in: dropped, no longer selected, or no longer allowed.</summary>
    private async Task ForgetDatabasesNotInAsync(IReadOnlyList<string> databases)
    {
        lock (_databaseBuffers)
        {
            foreach (var gone in _databaseBuffers.Keys.Where(key => !databases.Contains(key.Database)).ToList())
            {
                _databaseBuffers.Remove(gone);
            }
        }

        _lanes.RetainOnly(databases);
        await _connections.RetainOnlyAsync([.. databases]).ConfigureAwait(false);
    }

    /// <summary>The databases this scraper holds a buffer or its connections a pool for (tests check that those no longer collected are released).</summary>
    internal IReadOnlyCollection<string> HeldDatabases
    {
        get
        {
            lock (_databaseBuffers)
            {
                return [.. _databaseBuffers.Keys.Select(key => key.Database).Union(_lanes.Databases).Union(_connections.PooledDatabases)];
            }
        }
    }

    /// <summary>
    /// The server's <c>server_version_num</c>, and whether a pooler sits between: PostgreSQL's startup answer
    /// (BackendKeyData) carries the process ID <c>pg_backend_pid()</c> returns, while PgBouncer hands the client a
    /// key of its own, because the server connection behind it changes. A pooler that passes the server's key
    /// on is not told apart.
    /// </summary>
    private async Task<(int ServerVersion, bool BehindPooler)> ReadServerAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = CollectorSql.Statement("SELECT current_setting('server_version_num')::int, pg_catalog.pg_backend_pid()", connection, _connections.QueryTimeout);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new NpgsqlException("The server answered SELECT current_setting('server_version_num') with no row.");
        }

        return (reader.GetInt32(0), reader.GetInt32(1) != connection.ProcessID);
    }

    /// <summary>
    /// The selected databases (every row of pg_database that <c>databases</c>/<c>exclude_databases</c>
    /// select), those of them per-database queries connect to, and those left out for want of CONNECT.
    /// </summary>
    private async Task<(IReadOnlyList<string> Selected, IReadOnlyList<string> Connectable, IReadOnlyList<SkippedDatabase> LeftOut)> SelectDatabasesAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var all = new List<(string Name, bool AcceptsConnections, bool MayConnect)>();
        var beingDropped = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = CollectorSql.Statement(ListDatabasesSql, connection, _connections.QueryTimeout))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                all.Add((reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2)));
                if (reader.GetBoolean(3))
                {
                    beingDropped.Add(reader.GetString(0));
                }
            }
        }

        var selected = DatabaseSelection.Select(all.ConvertAll(d => d.Name), _options.Databases, _options.ExcludeDatabases);
        var connectable = new List<string>();
        var leftOut = new List<SkippedDatabase>();
        foreach (var database in all.Where(d => d.AcceptsConnections && !beingDropped.Contains(d.Name) && selected.Contains(d.Name, StringComparer.Ordinal)))
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
