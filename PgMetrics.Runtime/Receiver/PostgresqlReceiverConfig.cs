using System.Globalization;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Queries;
using PgMetrics.Runtime.Scraping;
using PgMetrics.Runtime.Targets;

namespace PgMetrics.Runtime.Receiver;

/// <summary>
/// One <c>receivers: postgresql[/name]</c> block: a PostgreSQL server and what to collect from it, with the
/// OpenTelemetry postgresql receiver's keys (a block lifted from an otelcol config reads unchanged). In
/// .NET configuration the same keys are read (<c>collection_interval</c> or <c>CollectionInterval</c>); in
/// code, set the properties.
/// </summary>
public sealed record PostgresqlReceiverConfig : ReceiverConfig
{
    /// <summary><c>host:port</c>; with the unix transport, <c>socket-directory:port</c>. Default <c>localhost:5432</c>.</summary>
    public string Endpoint { get; init; } = "localhost:5432";

    /// <summary><c>tcp</c> (default) or <c>unix</c>.</summary>
    public PostgresqlTransport Transport { get; init; } = PostgresqlTransport.Tcp;

    /// <summary>The monitoring role's name.</summary>
    public string? Username { get; init; }

    /// <summary>The monitoring role's password; never shown.</summary>
    public string? Password { get; init; }

    /// <summary>
    /// An Npgsql connection string used instead of endpoint, transport, username, password and TLS; set by
    /// the command line's <c>--connection</c> or in code, not a config file key. Never shown.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>Databases to collect from; empty means every database that accepts connections.</summary>
    public IReadOnlyList<string> Databases { get; init; } = [];

    /// <summary>
    /// <c>connect_database</c>: the database the receiver connects to first, where it lists the databases and runs the
    /// instance-wide queries; default <c>postgres</c>, the OpenTelemetry receiver's fixed choice. A server without a
    /// <c>postgres</c> database (or a role that may not connect to it) names another here. The name follows the
    /// receiver's proposed <c>connect_database</c> (opentelemetry-collector-contrib #50920). Ignored with
    /// <see cref="ConnectionString"/>, whose own database is used.
    /// </summary>
    public string ConnectDatabase { get; init; } = "postgres";

    /// <summary>Databases never collected from.</summary>
    public IReadOnlyList<string> ExcludeDatabases { get; init; } = [];

    /// <summary>The <c>tls</c> block.</summary>
    public TlsConfig Tls { get; init; } = new();

    /// <summary>Time between scrapes. Default 60 seconds.</summary>
    public override TimeSpan CollectionInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Wait before the first scrape. Default 1 second.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest one scrape may take; zero (the default) means the collection interval.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.Zero;

    /// <summary>The longest any one query may run on the server (<c>statement_timeout</c>). Default 10 seconds.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many tables, indexes and functions per database the per-relation metrics cover, most active and largest first. Default 1,000.</summary>
    public int MaxRelationsPerDatabase { get; init; } = 1000;

    /// <summary>
    /// How many connections the per-database queries use at once (<c>max_concurrent_databases</c>): one per
    /// database being scraped, and a second for a database with slow queries when a slot is free. Default 4.
    /// </summary>
    public int MaxConcurrentDatabases { get; init; } = 4;

    /// <summary>
    /// <c>events</c>, <c>query_sample_collection</c> and <c>top_query_collection</c> as the receiver has them (both
    /// events off by default); PgMetrics' older <c>query_monitoring</c> block reads into the same.
    /// </summary>
    public QueryMonitoringOptions QueryMonitoring { get; init; } = new();

    /// <summary><c>connection_pool: {max_idle_time, max_lifetime, max_idle, max_open}</c>, mapped onto Npgsql's pool.</summary>
    public ConnectionPoolOptions ConnectionPool { get; init; } = new();

    /// <summary>Whether <c>receiver.postgresql.useOTelSemconv</c> is on (from <c>service.feature_gates</c> or <c>--feature-gates</c>).</summary>
    public bool UseOTelSemconv { get; init; }

    /// <summary><c>metrics: {name: {enabled: …}}</c>.</summary>
    public IReadOnlyDictionary<string, bool> Metrics { get; init; } = new Dictionary<string, bool>();

    /// <summary><c>resource_attributes: {name: {enabled: …}}</c>.</summary>
    public IReadOnlyDictionary<string, bool> ResourceAttributes { get; init; } = new Dictionary<string, bool>();

    /// <summary>
    /// <c>metadata_files: [path, …]</c>: custom metrics in the metadata.yaml schema, scraped beside the catalogue;
    /// the files without mistakes. Read by the collector only (it has the metadata.yaml interpreter).
    /// </summary>
    internal IReadOnlyList<IMetricSetFile> MetadataFiles { get; init; } = [];

    /// <inheritdoc/>
    internal override IEnumerable<string> ReadFiles => MetadataFiles.Select(f => f.Path);

    /// <summary><c>attributes: {name: value}</c>: resource attributes of the target's own (team, environment), on every resource it produces.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>The longest wait between scrapes of a target that keeps failing (<c>max_backoff</c>); zero turns back-off off. Default 5 minutes.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// <c>targets_file</c>: a YAML file, or a folder of them, listing targets; this block's keys are their
    /// defaults. Null for a block that is a target itself.
    /// </summary>
    internal string? TargetsFile { get; init; }

    /// <summary><c>discovery: {kubernetes: …}</c>: targets from annotated Services; null when off.</summary>
    internal KubernetesDiscoveryConfig? KubernetesDiscovery { get; init; }

    /// <summary>The targets read from <see cref="TargetsFile"/> when the config was loaded, each named <c>block[endpoint]</c>.</summary>
    internal IReadOnlyList<PostgresqlReceiverConfig> FileTargets { get; init; } = [];

    /// <summary>
    /// Where the block was read, for messages: <c>receivers.name</c>, or for a target from a targets file its
    /// place in that file (<c>[3]</c>), so a check names the line the target is on.
    /// </summary>
    internal string? SourcePath { get; init; }

    /// <inheritdoc/>
    public override string Path => SourcePath ?? base.Path;

    /// <inheritdoc/>
    internal override bool IsTargetList => TargetsFile is not null || KubernetesDiscovery is not null;

    /// <inheritdoc/>
    internal override IReadOnlyList<ReceiverConfig> ListedTargets => FileTargets;

    /// <inheritdoc/>
    internal override string? TargetsFilePath => TargetsFile;

    /// <inheritdoc/>
    internal override KubernetesDiscoveryConfig? Discovery => KubernetesDiscovery;

    /// <summary>The endpoint; for a connection string from the command line, its host and port.</summary>
    internal override string Identity
    {
        get
        {
            if (ConnectionString is null)
            {
                return Endpoint;
            }

            try
            {
                var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
                return $"{builder.Host ?? "localhost"}:{builder.Port}";
            }
            catch (ArgumentException)
            {
                return Name;
            }
        }
    }

    /// <inheritdoc/>
    internal override void Validate(ConfigErrors errors)
    {
        if (ConnectionString is not null)
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
            }
            catch (ArgumentException)
            {
                // The exception text can echo the connection string, password included.
                errors.Add(Path + ".connection", "is not a valid Npgsql connection string (expected Key=Value pairs separated by ';')");
            }

            return;
        }

        if (ConnectDatabase.Length == 0)
        {
            errors.Add(Path + ".connect_database", "is empty; name the database the receiver connects to first, e.g. postgres");
        }

        var topQueryInterval = QueryMonitoring.TopQuery.CollectionInterval;
        if (topQueryInterval > TimeSpan.Zero && topQueryInterval < CollectionInterval)
        {
            errors.Add(Path + ".top_query_collection.collection_interval", $"{topQueryInterval.TotalSeconds}s is shorter than the receiver's collection_interval ({CollectionInterval.TotalSeconds}s); top queries can be collected less often, not more");
        }

        var separator = Endpoint.LastIndexOf(':');
        if (separator <= 0 || !int.TryParse(Endpoint.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            var shown = errors.Shown(Path + ".endpoint", Endpoint);
            errors.Add(Path + ".endpoint", Transport == PostgresqlTransport.Unix
                ? $"'{shown}' is not socket-directory:port, e.g. /var/run/postgresql:5432"
                : $"'{shown}' is not host:port, e.g. localhost:5432");
        }
    }

    /// <summary>Names the receiver and its server; never a secret.</summary>
    public override string ToString()
        => IsTargetList ? $"{Name} (targets from {(TargetsFile is null ? "Kubernetes" : TargetsFile)})" : $"{Name} ({(ConnectionString is null ? Endpoint : "connection string")})";

    /// <summary>
    /// Whether two configs describe the same target read the same way, value by value (lists and maps by
    /// content), so a reload that leaves a target as it was keeps its receiver and connections running.
    /// Where it was written (<see cref="SourcePath"/>) does not count: moving a target within its file changes nothing.
    /// </summary>
    public bool Equals(PostgresqlReceiverConfig? other)
        => other is not null
           && Name == other.Name
           && Endpoint == other.Endpoint
           && Transport == other.Transport
           && Username == other.Username
           && Password == other.Password
           && ConnectionString == other.ConnectionString
           && Databases.SequenceEqual(other.Databases)
           && ConnectDatabase == other.ConnectDatabase
           && ExcludeDatabases.SequenceEqual(other.ExcludeDatabases)
           && Tls == other.Tls
           && CollectionInterval == other.CollectionInterval
           && InitialDelay == other.InitialDelay
           && Timeout == other.Timeout
           && QueryTimeout == other.QueryTimeout
           && MaxRelationsPerDatabase == other.MaxRelationsPerDatabase
           && MaxConcurrentDatabases == other.MaxConcurrentDatabases
           && QueryMonitoring == other.QueryMonitoring
           && ConnectionPool == other.ConnectionPool
           && MetadataFiles.SequenceEqual(other.MetadataFiles)
           && UseOTelSemconv == other.UseOTelSemconv
           && SameEntries(Metrics, other.Metrics)
           && SameEntries(ResourceAttributes, other.ResourceAttributes)
           && SameEntries(Attributes, other.Attributes)
           && MaxBackoff == other.MaxBackoff
           && TargetsFile == other.TargetsFile
           && KubernetesDiscovery == other.KubernetesDiscovery
           && FileTargets.SequenceEqual(other.FileTargets)
           && IsListedTarget == other.IsListedTarget;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Name, Endpoint, Transport, Username, CollectionInterval, TargetsFile);

    private static bool SameEntries<TValue>(IReadOnlyDictionary<string, TValue> left, IReadOnlyDictionary<string, TValue> right)
        => left.Count == right.Count && left.All(entry => right.TryGetValue(entry.Key, out var value) && EqualityComparer<TValue>.Default.Equals(entry.Value, value));
}
