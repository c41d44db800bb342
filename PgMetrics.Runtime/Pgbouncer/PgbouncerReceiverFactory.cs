using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Runtime.Pgbouncer;

/// <summary>Makes <c>pgbouncer</c> receivers: reads their block and turns it into the runtime's admin console and schedule options.</summary>
internal sealed class PgbouncerReceiverFactory : IReceiverFactory
{
    private static readonly string[] Keys =
    [
        "endpoint", "transport", "username", "password", "tls", "collection_interval", "initial_delay", "timeout", "metrics", "resource_attributes",
    ];

    private static readonly (string, PostgresqlTransport)[] Transports = [("tcp", PostgresqlTransport.Tcp), ("unix", PostgresqlTransport.Unix)];

    /// <inheritdoc/>
    public string Type => "pgbouncer";

    /// <inheritdoc/>
    public ReceiverConfig Read(string name, ConfigBlock config)
    {
        var block = config.Read(Keys);
        var defaults = new PgbouncerReceiverConfig { Name = name };
        return new PgbouncerReceiverConfig
        {
            Name = name,
            Endpoint = block.Text("endpoint") ?? defaults.Endpoint,
            Transport = block.Choice("transport", Transports) ?? defaults.Transport,
            Username = block.Text("username") ?? defaults.Username,
            Password = block.Text("password"),
            Tls = TlsConfig.Read(block.Section("tls", TlsConfig.Keys)),
            CollectionInterval = block.Duration("collection_interval", positive: true) ?? defaults.CollectionInterval,
            InitialDelay = block.Duration("initial_delay") ?? defaults.InitialDelay,
            Timeout = block.Duration("timeout") ?? defaults.Timeout,
            Metrics = block.Switches("metrics", metric => PgbouncerMetricsConfig.MetricNames.Contains(metric), "metric"),
            ResourceAttributes = block.Switches("resource_attributes", attribute => new PgbouncerResourceAttributesConfig().Find(attribute) is not null, "resource attribute"),
        };
    }

    /// <inheritdoc/>
    public IReceiver Create(ReceiverConfig config, ReceiverContext context)
    {
        var receiver = (PgbouncerReceiverConfig)config;
        var schedule = new ScraperControllerOptions { CollectionInterval = receiver.CollectionInterval, InitialDelay = receiver.InitialDelay, Timeout = receiver.Timeout };
        return new PgbouncerReceiver(receiver.Name, ToConsoleOptions(receiver), schedule, ToMetricSet(receiver), context.Metrics, context.LoggerFactory.CreateLogger("pgmetrics.receiver." + receiver.Name), context.ScrapeLimit);
    }

    /// <summary>The admin console options of a valid receiver config; TLS as the postgresql receiver maps it.</summary>
    public static AdminConsoleOptions ToConsoleOptions(PgbouncerReceiverConfig receiver)
    {
        var tls = receiver.Tls;
        var mode = receiver.Transport == PostgresqlTransport.Unix || tls.Insecure ? AdminConsoleTlsMode.Disable
            : tls.InsecureSkipVerify ? AdminConsoleTlsMode.Require
            : tls.CaFile is not null ? AdminConsoleTlsMode.VerifyFull : AdminConsoleTlsMode.Require;
        return new AdminConsoleOptions
        {
            Host = receiver.Host,
            Port = receiver.Port,
            UnixSocket = receiver.Transport == PostgresqlTransport.Unix,
            Username = receiver.Username,
            Password = receiver.Password,
            Tls = new AdminConsoleTls(mode, tls.CaFile, tls.CertFile, tls.KeyFile),
        };
    }

    /// <summary>The PgBouncer catalogue with the receiver's metric and resource attribute switches applied.</summary>
    public static PgbouncerMetricSet ToMetricSet(PgbouncerReceiverConfig receiver)
    {
        var set = new PgbouncerMetricSet();
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
}
