namespace PgMetrics.Collector.Config;

/// <summary>One <c>receivers: postgresql[/name]</c> block: a PostgreSQL server and what to collect from it.</summary>
public sealed record ReceiverConfig
{
    /// <summary><c>postgresql</c> or <c>postgresql/&lt;name&gt;</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>host:port</c>; with the unix transport, <c>socket-directory:port</c>.</summary>
    public string Endpoint { get; init; } = "localhost:5432";

    /// <summary><c>tcp</c> or <c>unix</c>.</summary>
    public string Transport { get; init; } = "tcp";

    public string? Username { get; init; }

    public string? Password { get; init; }

    public IReadOnlyList<string> Databases { get; init; } = [];

    public IReadOnlyList<string> ExcludeDatabases { get; init; } = [];

    public TlsConfig Tls { get; init; } = new();

    public TimeSpan CollectionInterval { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Zero means the collection interval.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// <c>max_relations_per_database</c>: how many tables, indexes and functions per database the
    /// per-relation metrics cover, most active and largest first.
    /// </summary>
    public int MaxRelationsPerDatabase { get; init; } = 1000;

    /// <summary><c>max_concurrent_databases</c>: how many databases are scraped at once.</summary>
    public int MaxConcurrentDatabases { get; init; } = 4;

    /// <summary><c>query_monitoring: {enabled, top_n, long_running_threshold}</c>: off by default.</summary>
    public Runtime.Queries.QueryMonitoringOptions QueryMonitoring { get; init; } = new();

    /// <summary><c>metrics: {name: {enabled: …}}</c>.</summary>
    public IReadOnlyDictionary<string, bool> Metrics { get; init; } = new Dictionary<string, bool>();

    /// <summary><c>resource_attributes: {name: {enabled: …}}</c>.</summary>
    public IReadOnlyDictionary<string, bool> ResourceAttributes { get; init; } = new Dictionary<string, bool>();
}
