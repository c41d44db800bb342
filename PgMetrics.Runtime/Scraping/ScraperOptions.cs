namespace PgMetrics.Runtime.Scraping;

/// <summary>How to reach one PostgreSQL server and what to collect from it.</summary>
public sealed record ScraperOptions
{
    /// <summary>An Npgsql connection string for the server; its database is where instance-wide queries run.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Databases to collect from; empty means every database that accepts connections.</summary>
    public IReadOnlyList<string> Databases { get; init; } = [];

    /// <summary>Databases never collected from.</summary>
    public IReadOnlyList<string> ExcludeDatabases { get; init; } = [];

    /// <summary>The <c>application_name</c> every scrape connection reports, so DBAs can tell the collector's sessions apart.</summary>
    public string ApplicationName { get; init; } = "pgmetrics";

    /// <summary>Query monitoring: <c>db.server.query_sample</c> and <c>db.server.top_query</c> events, and the metrics beside them.</summary>
    public Queries.QueryMonitoringOptions QueryMonitoring { get; init; } = new();

    /// <summary>
    /// The OpenTelemetry receiver's <c>receiver.postgresql.useOTelSemconv</c> feature gate: one resource per server
    /// (<c>server.address</c>, <c>server.port</c>, a UUID v5 <c>service.instance.id</c>) with <c>db.namespace</c>,
    /// <c>db.collection.name</c> and <c>postgresql.index.name</c> on the points. Default false: a resource per
    /// database, table and index, as the receiver's legacy model.
    /// </summary>
    public bool UseOTelSemconv { get; init; }

    /// <summary>The pool settings of every database's connections (<c>connection_pool</c>).</summary>
    public ConnectionPoolOptions ConnectionPool { get; init; } = new();

    /// <summary>
    /// How many tables, indexes and functions per database the per-relation metrics cover (bound to
    /// <c>@relation_limit</c> in metadata.yaml): the most active and largest first, so a server with
    /// tens of thousands of tables stays within New Relic's cardinality limits and the scrape stays fast.
    /// </summary>
    public int MaxRelationsPerDatabase { get; init; } = 1000;

    /// <summary>
    /// How many connections the per-database queries use at once: one per database being scraped, from that
    /// database's pool; a database whose queries are slow takes a second when a slot is free right then (see
    /// <see cref="PostgresScraper"/>), never waiting for one, and never behind a pooler such as PgBouncer.
    /// </summary>
    public int MaxConcurrentDatabases { get; init; } = 4;

    /// <summary>
    /// Resource attributes put on every resource this server's scrapes produce, after <c>server.address</c>
    /// and <c>server.port</c>: a target's own labels, such as its team or environment (a targets file's
    /// <c>attributes:</c>).
    /// </summary>
    public IReadOnlyList<Metrics.KeyValue> ResourceAttributes { get; init; } = [];

    /// <summary>
    /// The longest any one query may run on the server: <c>statement_timeout</c>, set for each statement's
    /// own transaction (see <see cref="CollectorStatement"/>); the client gives up 5 seconds later.
    /// </summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
