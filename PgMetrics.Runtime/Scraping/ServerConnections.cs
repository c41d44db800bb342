using Npgsql;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// The connections to one PostgreSQL server that a receiver's scrapers share: one small Npgsql pool per
/// database (PostgreSQL needs a connection per database), each identifying itself with
/// <c>application_name</c>, all within one budget for the server (<c>connection_pool.max_server_connections</c>)
/// that counts idle connections too. Every statement is bounded by <c>statement_timeout</c> through
/// <see cref="CollectorSql.Statement"/>, never through the session, so the same connections work directly
/// and through PgBouncer in session or transaction pooling (docs/pgbouncer.md).
/// </summary>
/// <remarks>
/// A connection given back stays open (warm) only while no one waits for the budget; a scraper that needs a slot
/// when none is free closes the idle connections of the least busy database first, so the busiest keep theirs. Idle
/// connections close after <c>max_idle_time</c>: by default 30 s for the home database, which every scraper uses each
/// interval, and 2 s for any other, because <c>DROP DATABASE</c> waits only 5 s for other sessions to leave the
/// database before it fails ("being accessed by other users").
/// </remarks>
public sealed partial class ServerConnections : IAsyncDisposable
{
    private readonly NpgsqlConnectionStringBuilder _base;
    private readonly ConnectionPoolOptions _pool;
    private readonly bool _useOTelSemconv;
    private readonly IReadOnlyList<KeyValue> _resourceAttributes;
    private readonly Dictionary<string, DatabasePool> _dataSources = new(StringComparer.Ordinal);
    private readonly bool _loadServerTypes;
    private readonly ConnectionBudget _budget;

    /// <summary>Prepares the connections; none is opened until a scraper asks for one.</summary>
    /// <param name="options">The server and the limits every connection gets.</param>
    /// <param name="loadServerTypes">
    /// Whether each database's first connection reads the server's types from <c>pg_type</c> (Npgsql's type
    /// loading), which scrapes need when they select enum, domain or extension types (custom metric sets
    /// may). Without it Npgsql reads the built-in types it knows by OID, all the built-in catalogue selects:
    /// the first connection skips a query over all of <c>pg_type</c> (two rows per table; about 160 ms at
    /// 10,000 tables) and the data source keeps no copy of the server's types, which a fleet holds once per
    /// database per target.
    /// </param>
    /// <exception cref="ArgumentException">The connection string is not a valid Npgsql connection string (the message never repeats it).</exception>
    public ServerConnections(ScraperOptions options, bool loadServerTypes = true)
    {
        _loadServerTypes = loadServerTypes;
        try
        {
            _base = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException)
        {
            // Npgsql's message can echo the connection string, password included.
            throw new ArgumentException("The connection string is not a valid Npgsql connection string (Key=Value pairs separated by ';').", nameof(options));
        }

        _pool = options.ConnectionPool;
        var monitoring = options.QueryMonitoring;
        _budget = new ConnectionBudget(_pool.MaxServerConnections
            ?? Math.Max(1, options.MaxConcurrentDatabases) + (monitoring.QuerySample.Enabled ? 1 : 0) + (monitoring.TopQuery.Enabled ? 1 : 0));
        _sweep = new Timer(static state => ((ServerConnections)state!).CloseExpiredIdle(), this, Timeout.Infinite, Timeout.Infinite);
        _useOTelSemconv = options.UseOTelSemconv;
        _resourceAttributes = options.ResourceAttributes;

        // application_name is a startup parameter PgBouncer accepts and sets on whichever server
        // connection serves the client (it tracks it like client_encoding), so DBAs see it either way.
        _base.ApplicationName = options.ApplicationName;
        QueryTimeout = options.QueryTimeout;

        // The server cancels a statement at QueryTimeout (see CollectorStatement); the client gives up a
        // little later, for when the server cannot answer at all.
        _base.CommandTimeout = (int)Math.Ceiling(options.QueryTimeout.TotalSeconds) + 5;

        // Nothing here may outlive a transaction on the server, because behind a pooler in transaction
        // mode the next transaction on that server connection is another client's: no automatic prepared
        // statements (they would be missing on the next server connection, or pile up on this one), and no
        // DISCARD ALL when a pooled connection is reused (the collector changes no session state, and a
        // DISCARD ALL sent through PgBouncer would drop statements PgBouncer prepared for other clients).
        _base.MaxAutoPrepare = 0;
        _base.NoResetOnClose = true;
        if (string.IsNullOrEmpty(_base.Database))
        {
            _base.Database = "postgres";
        }
    }

    /// <summary>The database instance-wide queries run in: the connection string's, else <c>postgres</c>.</summary>
    public string HomeDatabase => _base.Database!;

    /// <summary>The longest any one statement may run on the server (<c>statement_timeout</c>, per statement).</summary>
    public TimeSpan QueryTimeout { get; }

    /// <summary>
    /// The most connections open to one database at once: <c>connection_pool.max_open</c>, 0 (no limit of the
    /// receiver's own) meaning Npgsql's 100, default 4 (Npgsql <c>Maximum Pool Size</c>).
    /// </summary>
    public int MaxOpenPerDatabase => _pool.MaxOpen is { } open ? (open == 0 ? 100 : open) : 4;

    /// <summary>The password, only so error messages can be scrubbed of it; never logged.</summary>
    internal string? Password => _base.Password;

    /// <summary>Whether the receiver's <c>receiver.postgresql.useOTelSemconv</c> resource model is in use (see <see cref="ScraperOptions.UseOTelSemconv"/>).</summary>
    public bool UseOTelSemconv => _useOTelSemconv;

    /// <summary>
    /// <c>server.address</c>, <c>server.port</c> and <c>service.instance.id</c> of this server (see
    /// <see cref="ServerIdentity"/>), those a metric set enables: they go on every resource, metrics and logs, so
    /// the same database name on two servers stays two resources and New Relic sees one PostgreSQL entity per server.
    /// The target's own <see cref="ScraperOptions.ResourceAttributes"/> follow them.
    /// </summary>
    /// <param name="metricSet">Decides which of the attributes are enabled.</param>
    public KeyValue[] ServerAttributes(MetricSet metricSet)
        => [.. ServerIdentity.Attributes(_base.Host ?? "localhost", _base.Port, _useOTelSemconv)
            .Where(attribute => metricSet.FindResourceAttribute(attribute.Key) is { Enabled: true }), .. _resourceAttributes];

    /// <summary>The most connections this target holds to the server at once, busy or idle (<c>connection_pool.max_server_connections</c>).</summary>
    public int MaxServerConnections => _budget.Slots;

    /// <summary>
    /// Opens a connection to <paramref name="database"/>: an idle one of its pool, else a new one once the budget has a
    /// slot (closing the least busy database's idle connections for it, or waiting for a connection to close).
    /// Disposing the connection gives it back.
    /// </summary>
    /// <exception cref="NpgsqlException">The server refused or could not be reached.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, possibly while waiting for the budget.</exception>
    public async ValueTask<NpgsqlConnection> OpenAsync(string database, CancellationToken cancellationToken)
        => (await OpenAsync(database, wait: true, cancellationToken).ConfigureAwait(false))!;

    /// <summary>
    /// Like <see cref="OpenAsync(string, CancellationToken)"/>, but null instead of waiting when the budget has no slot: for a
    /// connection wanted beside one already held (a database's second lane), which must never wait for a slot that only
    /// its own first connection could free.
    /// </summary>
    /// <exception cref="NpgsqlException">The server refused or could not be reached.</exception>
    internal ValueTask<NpgsqlConnection?> TryOpenAsync(string database, CancellationToken cancellationToken)
        => OpenAsync(database, wait: false, cancellationToken);

    /// <summary>Closes the pools of databases not in <paramref name="databases"/> (dropped, being dropped, or no longer selected); the home database's stays.</summary>
    public async Task RetainOnlyAsync(IReadOnlyCollection<string> databases)
    {
        List<DatabasePool> closing;
        lock (_dataSources)
        {
            var gone = _dataSources.Keys.Where(d => d != HomeDatabase && !databases.Contains(d)).ToList();
            closing = [.. gone.Select(d => _dataSources[d])];
            foreach (var database in gone)
            {
                _dataSources.Remove(database);
            }
        }

        await RetireAsync(closing).ConfigureAwait(false);
    }

    /// <summary>The databases a pool is open for.</summary>
    internal IReadOnlyCollection<string> PooledDatabases
    {
        get
        {
            lock (_dataSources)
            {
                return [.. _dataSources.Keys];
            }
        }
    }

    // Called under the lock of _dataSources.
    private DatabasePool PoolOf(string database)
    {
        if (!_dataSources.TryGetValue(database, out var pool))
        {
            pool = new DatabasePool(CreateDataSource(PoolFor(database).ConnectionString, _loadServerTypes), IdleLimitFor(database));
            _dataSources[database] = pool;
        }

        return pool;
    }

    /// <summary>
    /// A database's connection settings with the <c>connection_pool</c> block mapped onto Npgsql: <c>max_open</c> to
    /// Maximum Pool Size (0, no limit, to Npgsql's own 100; default 4), <c>max_lifetime</c> to Connection Lifetime, and
    /// <c>max_idle: 0</c> to Pooling=false. <c>max_idle_time</c> is not Npgsql's Connection Idle Lifetime: the budget's
    /// sweep closes a database's idle connections once none has been used for that long (see <c>CloseExpiredIdle</c>).
    /// </summary>
    internal NpgsqlConnectionStringBuilder PoolFor(string database)
    {
        // Npgsql's own pruning closes an idle connection when the pool had an idle one at each of its samples over the idle
        // lifetime, which a connection used for a few milliseconds every interval always has: the home database's
        // connection was closed and opened again about every 30 s, a backend started (fork, authentication, TLS) for
        // nothing, and the budget kept a slot for a connection Npgsql had closed. So Npgsql keeps its idle connections a
        // day and the sweep, which knows when each database last used one, closes them.
        return new NpgsqlConnectionStringBuilder(_base.ConnectionString)
        {
            Database = database,
            MaxPoolSize = MaxOpenPerDatabase,
            ConnectionIdleLifetime = 86_400,
            ConnectionPruningInterval = 10,
            ConnectionLifetime = _pool.MaxLifetime is { } lifetime ? Seconds(lifetime) : 0,
            Pooling = _pool.MaxIdle is not 0,
        };

        // Npgsql counts whole seconds; a sub-second setting still closes the connection.
        static int Seconds(TimeSpan value) => value == TimeSpan.Zero ? 0 : (int)Math.Max(1, Math.Ceiling(Math.Min(value.TotalSeconds, int.MaxValue)));
    }

    /// <summary>
    /// A data source with only the type mappings scrapes read: the basic types (numbers, text, names, times,
    /// oid and xid), arrays (for <c>@databases</c> and setting names), JSON (plans from <c>EXPLAIN (FORMAT JSON)</c>)
    /// and TLS. Every data source carries its own copy of its type mappings, and a collector holds one per database
    /// per target, so the full set (ranges, geometry, full-text search …), about 150 KB a data source, is what a
    /// fleet's memory grew with; Npgsql's slim builder is made for this.
    /// </summary>
    private static NpgsqlDataSource CreateDataSource(string connectionString, bool loadServerTypes)
    {
        var builder = new NpgsqlSlimDataSourceBuilder(connectionString);
        builder.ConfigureTypeLoading(typeLoading => typeLoading.EnableTypeLoading(loadServerTypes));
        builder.EnableArrays();
        builder.EnableJsonTypes();
        builder.EnableTransportSecurity();
        return builder.Build();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        DatabasePool[] all;
        lock (_dataSources)
        {
            _disposed = true;
            all = [.. _dataSources.Values];
            _dataSources.Clear();
        }

        await _sweep.DisposeAsync().ConfigureAwait(false);
        await RetireAsync(all).ConfigureAwait(false);
    }
}
