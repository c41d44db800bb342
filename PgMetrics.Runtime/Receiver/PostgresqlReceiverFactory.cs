using Microsoft.Extensions.Logging;
using Npgsql;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Queries;
using PgMetrics.Runtime.Scraping;
using PgMetrics.Runtime.Targets;

namespace PgMetrics.Runtime.Receiver;

/// <summary>
/// Makes <c>postgresql</c> receivers: reads their block and turns it into the runtime's scraper and schedule
/// options. A block with <c>targets_file</c> or <c>discovery</c> is a list of targets: its keys are the
/// defaults of every target in it, and each target becomes a receiver of its own.
/// </summary>
/// <param name="additionalMetricSets">
/// Makes the metric sets every receiver scrapes beside the built-in catalogue (an app's own, generated from
/// its metadata.yaml); called once per receiver, so each has sets of its own.
/// </param>
/// <param name="metadataFiles">
/// Reads <c>metadata_files</c>, which takes the metadata.yaml parser and interpreter (PgMetrics.Metadata.Interpreter,
/// which references this assembly, so it cannot be called from here): the collector passes its reader; without
/// one the key is an error that says how an app adds its metrics instead.
/// </param>
/// <param name="targetsFile">
/// Reads <c>targets_file</c>: the collector passes its reader, and with it runs target lists (the file
/// watched, <c>discovery</c> followed, <c>service.sharding</c> applied); without one <c>targets_file</c> and
/// <c>discovery</c> are errors, as an app configures the servers it monitors itself.
/// </param>
internal sealed class PostgresqlReceiverFactory(
    IReadOnlyList<Func<MetricSet>>? additionalMetricSets = null,
    MetadataFilesReader? metadataFiles = null,
    PostgresqlTargetsFileReader? targetsFile = null) : IReceiverFactory
{
    /// <summary>The keys of one target: a receiver block's, and an item's in a targets file.</summary>
    public static readonly string[] TargetKeys =
    [
        "endpoint", "transport", "username", "password", "databases", "exclude_databases", "connect_database", "tls", "collection_interval", "initial_delay",
        "timeout", "query_timeout", "metrics", "resource_attributes", "query_monitoring", "max_relations_per_database", "max_concurrent_databases",
        "events", "query_sample_collection", "top_query_collection", "connection_pool", "metadata_files", "max_backoff", "attributes",
    ];

    private static readonly string[] Keys = [.. TargetKeys, "targets_file", "discovery"];
    private static readonly string[] DiscoveryKeys = ["kubernetes"];
    private static readonly string[] ConnectionPoolKeys = ["max_idle_time", "max_lifetime", "max_idle", "max_open", "max_server_connections"];
    private static readonly (string, PostgresqlTransport)[] Transports = [("tcp", PostgresqlTransport.Tcp), ("unix", PostgresqlTransport.Unix)];

    /// <inheritdoc/>
    public string Type => "postgresql";

    /// <inheritdoc/>
    public ReceiverConfig Read(string name, ConfigBlock config)
    {
        var block = config.Read(Keys);
        if (targetsFile is null)
        {
            foreach (var key in (string[])["targets_file", "discovery"])
            {
                if (block.Has(key))
                {
                    block.Errors.Add(block.Child(key), "is read by the pgmetrics collector only; in an app, configure one receiver per server");
                }
            }

            return ReadTarget(block, new PostgresqlReceiverConfig { Name = name });
        }

        var receiver = ReadTarget(block, new PostgresqlReceiverConfig { Name = name }) with
        {
            TargetsFile = block.ExistingFileOrFolder("targets_file"),
            KubernetesDiscovery = KubernetesDiscoveryConfig.Read(block.Section("discovery", DiscoveryKeys)),
        };
        if (receiver.IsTargetList && block.Has("endpoint"))
        {
            config.Errors.Add(block.Child("endpoint"), "a receiver with targets_file or discovery takes each target's endpoint from the list; move this endpoint into the list");
        }

        if (receiver.TargetsFile is { } path && (File.Exists(path) || Directory.Exists(path)))
        {
            var read = targetsFile(this, receiver, config.Environment);
            foreach (var error in read.Errors)
            {
                config.Errors.Add(error);
            }

            receiver = receiver with { FileTargets = read.Targets };
        }

        return receiver;
    }

    /// <summary>
    /// Reads the keys of one target (<see cref="TargetKeys"/>) from <paramref name="section"/>; a key not
    /// given keeps its value in <paramref name="defaults"/>, and maps (<c>attributes</c>, <c>metrics</c>,
    /// <c>tls</c> …) merge key by key, so a targets file item only says how a target differs.
    /// </summary>
    public PostgresqlReceiverConfig ReadTarget(ConfigSection section, PostgresqlReceiverConfig defaults)
    {
        // Read first: the metric and resource attribute switches may name what the files declare.
        var files = section.Has("metadata_files") ? ReadMetadataFiles(section, defaults.Name) : defaults.MetadataFiles;
        return defaults with
        {
            Endpoint = section.Text("endpoint") ?? defaults.Endpoint,
            Transport = section.Choice("transport", Transports) ?? defaults.Transport,
            Username = section.Text("username") ?? defaults.Username,
            Password = section.Text("password") ?? defaults.Password,
            Databases = section.Has("databases") ? section.TextList("databases") : defaults.Databases,
            ExcludeDatabases = section.Has("exclude_databases") ? section.TextList("exclude_databases") : defaults.ExcludeDatabases,
            ConnectDatabase = section.Text("connect_database") ?? defaults.ConnectDatabase,
            Tls = TlsConfig.Read(section.Section("tls", TlsConfig.Keys), defaults.Tls),
            CollectionInterval = section.Duration("collection_interval", positive: true) ?? defaults.CollectionInterval,
            InitialDelay = section.Duration("initial_delay") ?? defaults.InitialDelay,
            Timeout = section.Duration("timeout") ?? defaults.Timeout,
            QueryTimeout = section.Duration("query_timeout", positive: true) ?? defaults.QueryTimeout,
            MetadataFiles = files,
            Metrics = Merge(defaults.Metrics, section.Switches("metrics", metric => PostgresqlMetricsConfig.MetricNames.Contains(metric) || files.Any(f => f.DeclaresMetric(metric)), "metric")),
            ResourceAttributes = Merge(defaults.ResourceAttributes, section.Switches(
                "resource_attributes",
                attribute => new PostgresqlResourceAttributesConfig().Find(attribute) is not null || files.Any(f => f.DeclaresResourceAttribute(attribute)),
                "resource attribute")),
            QueryMonitoring = QueryMonitoringConfig.Read(section, defaults.QueryMonitoring),
            ConnectionPool = ReadConnectionPool(section.Section("connection_pool", ConnectionPoolKeys), defaults.ConnectionPool),
            MaxRelationsPerDatabase = section.Int("max_relations_per_database", minimum: 1) ?? defaults.MaxRelationsPerDatabase,
            MaxConcurrentDatabases = section.Int("max_concurrent_databases", minimum: 1) ?? defaults.MaxConcurrentDatabases,
            MaxBackoff = section.Duration("max_backoff") ?? defaults.MaxBackoff,
            Attributes = Merge(defaults.Attributes, section.TextMap("attributes")),
        };
    }

    /// <inheritdoc/>
    public (IReadOnlyList<ReceiverConfig> Targets, IReadOnlyList<ConfigError> Errors) ReadTargetsFile(ReceiverConfig list, Func<string, string?> environment)
    {
        if (targetsFile is null)
        {
            return ([], [new ConfigError(list.Path, 0, 0, "targets_file", "is read by the pgmetrics collector only")]);
        }

        var read = targetsFile(this, (PostgresqlReceiverConfig)list, environment);
        return (read.Targets, read.Errors);
    }

    /// <inheritdoc/>
    public ReceiverConfig FromDiscovery(ReceiverConfig list, DiscoveredTarget target)
    {
        var defaults = (PostgresqlReceiverConfig)list;
        var attributes = new Dictionary<string, string>(defaults.Attributes, StringComparer.Ordinal);
        foreach (var (key, value) in target.Attributes)
        {
            attributes[key] = value;
        }

        return defaults with
        {
            Name = $"{defaults.Name}[{target.Endpoint}]",
            Endpoint = target.Endpoint,
            Transport = PostgresqlTransport.Tcp,
            Databases = target.Databases.Count > 0 ? target.Databases : defaults.Databases,
            Attributes = attributes,
            SourcePath = "service " + target.Source,
            IsListedTarget = true,
            TargetsFile = null,
            KubernetesDiscovery = null,
            FileTargets = [],
        };
    }

    /// <inheritdoc/>
    public IReceiver Create(ReceiverConfig config, ReceiverContext context)
    {
        var receiver = (PostgresqlReceiverConfig)config;
        var (catalogue, custom) = ToMetricSets(receiver);
        IReadOnlyList<MetricSet> scraped = [.. custom, .. additionalMetricSets?.Select(create => create()) ?? []];
        return new PostgresReceiver(
            receiver.Name, ToScraperOptions(receiver), ToControllerOptions(receiver), catalogue, context.Metrics, context.Logs,
            context.LoggerFactory.CreateLogger("pgmetrics.receiver." + receiver.Name), scraped, context.ScrapeLimit);
    }

    /// <summary>The runtime's scraper options for a valid receiver config.</summary>
    public static ScraperOptions ToScraperOptions(PostgresqlReceiverConfig receiver)
        => new()
        {
            ConnectionString = receiver.ConnectionString ?? ConnectionString(receiver),
            Databases = receiver.Databases,
            ExcludeDatabases = receiver.ExcludeDatabases,
            QueryTimeout = receiver.QueryTimeout,
            QueryMonitoring = receiver.QueryMonitoring,
            ConnectionPool = receiver.ConnectionPool,
            UseOTelSemconv = receiver.UseOTelSemconv,
            MaxRelationsPerDatabase = receiver.MaxRelationsPerDatabase,
            MaxConcurrentDatabases = receiver.MaxConcurrentDatabases,
            ResourceAttributes = [.. receiver.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => KeyValue.String(a.Key, a.Value))],
        };

    /// <summary>
    /// The schedule of a receiver config. A target from a list starts at a point of its first interval that
    /// its identity picks, so a fleet's scrapes spread over the interval instead of all starting together.
    /// </summary>
    public static ScraperControllerOptions ToControllerOptions(PostgresqlReceiverConfig receiver)
        => new()
        {
            CollectionInterval = receiver.CollectionInterval,
            InitialDelay = receiver.InitialDelay + (receiver.IsListedTarget ? StartSpread.Offset(receiver.Identity, receiver.CollectionInterval) : TimeSpan.Zero),
            Timeout = receiver.Timeout,
            MaxBackoff = receiver.MaxBackoff,
        };

    /// <summary>
    /// The catalogue and a set per metadata file, fresh for each receiver (their switches are mutable), with the
    /// receiver's metric and resource attribute switches applied to whichever declares the name.
    /// </summary>
    public static (PostgresqlMetricSet Catalogue, IReadOnlyList<MetricSet> Custom) ToMetricSets(PostgresqlReceiverConfig receiver)
    {
        var catalogue = new PostgresqlMetricSet();
        var custom = receiver.MetadataFiles.Select(f => f.CreateMetricSet()).ToList();
        var all = custom.Prepend(catalogue).ToList();
        foreach (var (name, enabled) in receiver.Metrics)
        {
            all.First(set => set.FindMetric(name) is not null).FindMetric(name)!.Enabled = enabled;
        }

        // A resource attribute may be declared by several sets (a file may reuse the catalogue's names): the switch is for all of them.
        foreach (var (name, enabled) in receiver.ResourceAttributes)
        {
            foreach (var set in all)
            {
                if (set.FindResourceAttribute(name) is { } attribute)
                {
                    attribute.Enabled = enabled;
                }
            }
        }

        return (catalogue, custom);
    }

    private IReadOnlyList<IMetricSetFile> ReadMetadataFiles(ConfigSection block, string name)
    {
        if (metadataFiles is not null)
        {
            return metadataFiles(block, "metadata_files", name);
        }

        block.Errors.Add(block.Child("metadata_files"), "is read by the pgmetrics collector only; in an app, generate a metric set from the file at build time (<AdditionalFiles Include=\"metadata.yaml\" />) and add it with AddPgMetrics(...).AddMetricSet<TMetricSet>()");
        return [];
    }

    private static ConnectionPoolOptions ReadConnectionPool(ConfigSection pool, ConnectionPoolOptions defaults)
        => new()
        {
            MaxIdleTime = pool.Duration("max_idle_time") ?? defaults.MaxIdleTime,
            MaxLifetime = pool.Duration("max_lifetime") ?? defaults.MaxLifetime,
            MaxIdle = pool.Int("max_idle", minimum: 0) ?? defaults.MaxIdle,
            MaxOpen = pool.Int("max_open", minimum: 0) ?? defaults.MaxOpen,
            MaxServerConnections = pool.Int("max_server_connections", minimum: 1) ?? defaults.MaxServerConnections,
        };

    private static Dictionary<string, TValue> Merge<TValue>(IReadOnlyDictionary<string, TValue> defaults, Dictionary<string, TValue> given)
    {
        var merged = new Dictionary<string, TValue>(defaults, StringComparer.Ordinal);
        foreach (var (key, value) in given)
        {
            merged[key] = value;
        }

        return merged;
    }

    private static string ConnectionString(PostgresqlReceiverConfig receiver)
    {
        var separator = receiver.Endpoint.LastIndexOf(':');
        var tls = receiver.Tls;
        var builder = new NpgsqlConnectionStringBuilder
        {
            // With the unix transport the host part is the socket directory, as libpq and the OTel receiver read it.
            Host = receiver.Endpoint[..separator],
            Port = int.Parse(receiver.Endpoint[(separator + 1)..], System.Globalization.CultureInfo.InvariantCulture),
            Username = receiver.Username,
            Password = receiver.Password,
            Database = receiver.ConnectDatabase,

            // Opening a connection gives up with the scrape, not at Npgsql's 15 s: a server that accepts and
            // never answers would otherwise hold a scrape slot long after the scrape's own timeout.
            Timeout = (int)Math.Clamp(Math.Ceiling((receiver.Timeout > TimeSpan.Zero ? receiver.Timeout : receiver.CollectionInterval).TotalSeconds), 1, 1024),
            SslMode = receiver.Transport == PostgresqlTransport.Unix || tls.Insecure ? SslMode.Disable
                : tls.InsecureSkipVerify ? SslMode.Require
                : tls.CaFile is not null ? SslMode.VerifyFull : SslMode.Require,
        };
        if (tls.CaFile is { } ca)
        {
            builder.RootCertificate = ca;
        }

        if (tls.CertFile is { } cert)
        {
            builder.SslCertificate = cert;
            builder.SslKey = tls.KeyFile;
        }

        return builder.ConnectionString;
    }
}
