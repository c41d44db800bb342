namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// The receiver's <c>connection_pool</c> block (Go's <c>database/sql</c> pool settings, one pool per database as the
/// receiver keeps them), mapped onto the Npgsql pool each database gets, and PgMetrics' budget for the whole server; a null
/// setting keeps PgMetrics' default. See <see cref="ServerConnections"/> for the mapping.
/// </summary>
public sealed record ConnectionPoolOptions
{
    /// <summary>
    /// How long a database's connections may go unused before its idle ones are closed (<c>max_idle_time</c>, closed by
    /// <see cref="ServerConnections"/>' sweep, not Npgsql's idle pruning, so a connection used every interval is never closed
    /// and opened again); zero means never for being idle. Default 30 seconds for the home database, 2 seconds for any other.
    /// </summary>
    public TimeSpan? MaxIdleTime { get; init; }

    /// <summary>How long a connection may live at all (<c>max_lifetime</c>, Npgsql <c>Connection Lifetime</c>); zero means for ever (the default).</summary>
    public TimeSpan? MaxLifetime { get; init; }

    /// <summary>How many idle connections are kept (<c>max_idle</c>): zero closes each connection when it is returned (Npgsql <c>Pooling=false</c>); more keeps up to <see cref="MaxOpen"/>.</summary>
    public int? MaxIdle { get; init; }

    /// <summary>The most connections open to one database at once (<c>max_open</c>, Npgsql <c>Maximum Pool Size</c>); zero means no limit of the receiver's own. Default 4.</summary>
    public int? MaxOpen { get; init; }

    /// <summary>
    /// The most connections the target holds to its server at once, busy or idle, across all its databases
    /// (<c>max_server_connections</c>, PgMetrics' own; the receiver's keys above are per database). Default: <c>max_concurrent_databases</c>
    /// plus one for each query monitoring scraper turned on (query samples, top queries). See <see cref="ServerConnections"/>.
    /// </summary>
    public int? MaxServerConnections { get; init; }
}
