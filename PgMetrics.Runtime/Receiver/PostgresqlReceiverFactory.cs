using Microsoft.Extensions.Logging;
using Npgsql;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Queries;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Receiver;

/// <summary>Makes <c>postgresql</c> receivers: reads their block and turns it into the runtime's scraper and schedule options.</summary>
/// <param name="additionalMetricSets">
/// Makes the metric sets every receiver scrapes beside the built-in catalogue (an app's own, generated from
/// its metadata.yaml); called once per receiver, so each has sets of its own.
/// </param>
/// <param name="metadataFiles">
/// Reads <c>metadata_files</c>, which takes the metadata.yaml parser and interpreter (PgMetrics.Metadata.Interpreter,
/// which references this assembly, so it cannot be called from here): the collector passes its reader; without
/// one the key is an error that says how an app adds its metrics instead.
/// </param>
internal sealed class PostgresqlReceiverFactory(IReadOnlyList<Func<MetricSet>>? additionalMetricSets = null, MetadataFilesReader? metadataFiles = null) : IReceiverFactory
{
    private static readonly string[] Keys =
    [
        "endpoint", "transport", "username", "password", "databases", "exclude_databases", "tls", "collection_interval", "initial_delay",
        "timeout", "query_timeout", "metrics", "resource_attributes", "query_monitoring", "max_relations_per_database", "max_concurrent_databases",
        "events", "query_sample_collection", "top_query_collection", "connection_pool", "metadata_files",
    ];

    private static readonly string[] ConnectionPoolKeys = ["max_idle_time", "max_lifetime", "max_idle", "max_open"];
    private static readonly (string, PostgresqlTransport)[] Transports = [("tcp", PostgresqlTransport.Tcp), ("unix", PostgresqlTransport.Unix)];

    /// <inheritdoc/>
    public string Type => "postgresql";

    /// <inheritdoc/>
    public ReceiverConfig Read(string name, ConfigBlock config)
    {
        var block = config.Read(Keys);
        var defaults = new PostgresqlReceiverConfig { Name = name };

        // Read first: the metric and resource attribute switches may name what the files declare.
        var files = ReadMetadataFiles(block, name);
        return new PostgresqlReceiverConfig
        {
            Name = name,
            Endpoint = block.Text("endpoint") ?? defaults.Endpoint,
            Transport = block.Choice("transport", Transports) ?? defaults.Transport,
            Username = block.Text("username"),
            Password = block.Text("password"),
            Databases = block.TextList("databases"),
            ExcludeDatabases = block.TextList("exclude_databases"),
            Tls = TlsConfig.Read(block.Section("tls", TlsConfig.Keys)),
            CollectionInterval = block.Duration("collection_interval", positive: true) ?? defaults.CollectionInterval,
            InitialDelay = block.Duration("initial_delay") ?? defaults.InitialDelay,
            Timeout = block.Duration("timeout") ?? defaults.Timeout,
            QueryTimeout = block.Duration("query_timeout", positive: true) ?? defaults.QueryTimeout,
            MetadataFiles = files,
            Metrics = block.Switches("metrics", metric => PostgresqlMetricsConfig.MetricNames.Contains(metric) || files.Any(f => f.DeclaresMetric(metric)), "metric"),
            ResourceAttributes = block.Switches(
                "resource_attributes",
                attribute => new PostgresqlResourceAttributesConfig().Find(attribute) is not null || files.Any(f => f.DeclaresResourceAttribute(attribute)),
                "resource attribute"),
            QueryMonitoring = QueryMonitoringConfig.Read(block),
            ConnectionPool = ReadConnectionPool(block.Section("connection_pool", ConnectionPoolKeys)),
            MaxRelationsPerDatabase = block.Int("max_relations_per_database", minimum: 1) ?? defaults.MaxRelationsPerDatabase,
            MaxConcurrentDatabases = block.Int("max_concurrent_databases", minimum: 1) ?? defaults.MaxConcurrentDatabases,
        };
    }

    /// <inheritdoc/>
    public IReceiver Create(ReceiverConfig config, IMetricsConsumer metrics, ILogsConsumer logs, ILoggerFactory loggerFactory)
    {
        var receiver = (PostgresqlReceiverConfig)config;
        var (catalogue, custom) = ToMetricSets(receiver);
        IReadOnlyList<MetricSet> scraped = [.. custom, .. additionalMetricSets?.Select(create => create()) ?? []];
        return new PostgresReceiver(receiver.Name, ToScraperOptions(receiver), ToControllerOptions(receiver), catalogue, metrics, logs, loggerFactory.CreateLogger("pgmetrics.receiver." + receiver.Name), scraped);
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
        };

    /// <summary>The schedule of a receiver config.</summary>
    public static ScraperControllerOptions ToControllerOptions(PostgresqlReceiverConfig receiver)
        => new() { CollectionInterval = receiver.CollectionInterval, InitialDelay = receiver.InitialDelay, Timeout = receiver.Timeout };

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

        if (block.Has("metadata_files"))
        {
            block.Errors.Add(block.Child("metadata_files"), "is read by the pgmetrics collector only; in an app, generate a metric set from the file at build time (<AdditionalFiles Include=\"metadata.yaml\" />) and add it with AddPgMetrics(...).AddMetricSet<TMetricSet>()");
        }

        return [];
    }

    private static ConnectionPoolOptions ReadConnectionPool(ConfigSection pool)
        => new()
        {
            MaxIdleTime = pool.Duration("max_idle_time"),
            MaxLifetime = pool.Duration("max_lifetime"),
            MaxIdle = pool.Int("max_idle", minimum: 0),
            MaxOpen = pool.Int("max_open", minimum: 0),
        };

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
            Database = "postgres",
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
