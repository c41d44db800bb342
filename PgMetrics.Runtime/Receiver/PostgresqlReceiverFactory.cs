using Microsoft.Extensions.Logging;
using Npgsql;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Queries;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Receiver;

/// <summary>Makes <c>postgresql</c> receivers: reads their block and turns it into the runtime's scraper and schedule options.</summary>
/// <param name="additionalMetricSets">
/// Makes the metric sets every receiver scrapes beside the built-in catalogue (an app's own, generated from
/// its metadata.yaml); called once per receiver, so each has sets of its own.
/// </param>
internal sealed class PostgresqlReceiverFactory(IReadOnlyList<Func<MetricSet>>? additionalMetricSets = null) : IReceiverFactory
{
    private static readonly string[] Keys =
    [
        "endpoint", "transport", "username", "password", "databases", "exclude_databases", "tls", "collection_interval", "initial_delay",
        "timeout", "query_timeout", "metrics", "resource_attributes", "query_monitoring", "max_relations_per_database", "max_concurrent_databases",
    ];

    private static readonly string[] QueryMonitoringKeys = ["enabled", "top_n", "long_running_threshold"];
    private static readonly (string, PostgresqlTransport)[] Transports = [("tcp", PostgresqlTransport.Tcp), ("unix", PostgresqlTransport.Unix)];

    /// <inheritdoc/>
    public string Type => "postgresql";

    /// <inheritdoc/>
    public ReceiverConfig Read(string name, ConfigBlock config)
    {
        var block = config.Read(Keys);
        var defaults = new PostgresqlReceiverConfig { Name = name };
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
            Metrics = block.Switches("metrics", metric => PostgresqlMetricsConfig.MetricNames.Contains(metric), "metric"),
            ResourceAttributes = block.Switches("resource_attributes", attribute => new PostgresqlResourceAttributesConfig().Find(attribute) is not null, "resource attribute"),
            QueryMonitoring = ReadQueryMonitoring(block.Section("query_monitoring", QueryMonitoringKeys)),
            MaxRelationsPerDatabase = block.Int("max_relations_per_database", minimum: 1) ?? defaults.MaxRelationsPerDatabase,
            MaxConcurrentDatabases = block.Int("max_concurrent_databases", minimum: 1) ?? defaults.MaxConcurrentDatabases,
        };
    }

    /// <inheritdoc/>
    public IReceiver Create(ReceiverConfig config, IMetricsConsumer metrics, ILogsConsumer logs, ILoggerFactory loggerFactory)
    {
        var receiver = (PostgresqlReceiverConfig)config;
        var additional = additionalMetricSets?.Select(create => create()).ToList();
        return new PostgresReceiver(receiver.Name, ToScraperOptions(receiver), ToControllerOptions(receiver), ToMetricSet(receiver), metrics, logs, loggerFactory.CreateLogger("pgmetrics.receiver." + receiver.Name), additional);
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
            MaxRelationsPerDatabase = receiver.MaxRelationsPerDatabase,
            MaxConcurrentDatabases = receiver.MaxConcurrentDatabases,
        };

    /// <summary>The schedule of a receiver config.</summary>
    public static ScraperControllerOptions ToControllerOptions(PostgresqlReceiverConfig receiver)
        => new() { CollectionInterval = receiver.CollectionInterval, InitialDelay = receiver.InitialDelay, Timeout = receiver.Timeout };

    /// <summary>The catalogue with the receiver's metric and resource attribute switches applied.</summary>
    public static PostgresqlMetricSet ToMetricSet(PostgresqlReceiverConfig receiver)
    {
        var set = new PostgresqlMetricSet();
        foreach (var (name, enabled) in receiver.Metrics)
        {
            set.FindMetric(name)!.Enabled = enabled;
        }

        foreach (var (name, enabled) in receiver.ResourceAttributes)
        {
            set.FindResourceAttribute(name)!.Enabled = enabled;
        }

        return set;
    }

    private static QueryMonitoringOptions ReadQueryMonitoring(ConfigSection section)
    {
        var defaults = new QueryMonitoringOptions();
        return new QueryMonitoringOptions
        {
            Enabled = section.Bool("enabled") ?? false,
            TopN = section.Int("top_n", minimum: 1) ?? defaults.TopN,
            LongRunningThreshold = section.Duration("long_running_threshold", positive: true) ?? defaults.LongRunningThreshold,
        };
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
