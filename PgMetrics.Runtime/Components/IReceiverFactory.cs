using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Targets;

namespace PgMetrics.Runtime.Components;

/// <summary>
/// Makes receivers of one type, as an OpenTelemetry Collector receiver factory: it names the type, reads
/// and checks the type's config block, and creates a receiver from a valid config.
/// </summary>
internal interface IReceiverFactory
{
    /// <summary>The type name, the part of a config name before any <c>/</c>, e.g. <c>postgresql</c>.</summary>
    string Type { get; }

    /// <summary>Reads one block; problems go to the section's errors and the config still comes back with defaults in their place.</summary>
    ReceiverConfig Read(string name, ConfigBlock block);

    /// <summary>Creates the receiver of one target (never of a target list); its scrapes go to the context's consumers.</summary>
    IReceiver Create(ReceiverConfig config, ReceiverContext context);

    /// <summary>Reads a list's targets file again, as it is now: the targets, or every problem that keeps it from being used.</summary>
    (IReadOnlyList<ReceiverConfig> Targets, IReadOnlyList<ConfigError> Errors) ReadTargetsFile(ReceiverConfig list, Func<string, string?> environment)
        => ([], [new ConfigError(list.Path, 0, 0, "targets_file", $"receivers of type {Type} take no targets file")]);

    /// <summary>The target config of a discovered Service, with the list's keys as defaults.</summary>
    ReceiverConfig FromDiscovery(ReceiverConfig list, DiscoveredTarget target)
        => throw new NotSupportedException($"receivers of type {Type} take no discovered targets");
}

/// <summary>What every receiver of a pipeline shares: where its data goes, where it logs, and the limit on scrapes at once.</summary>
/// <param name="Metrics">Where scraped data points go.</param>
/// <param name="Logs">Where scraped log records go.</param>
/// <param name="LoggerFactory">Where the receiver logs.</param>
/// <param name="ScrapeLimit">The limit on scrapes at once across the pipeline's receivers, or null for none.</param>
internal sealed record ReceiverContext(IMetricsConsumer Metrics, ILogsConsumer Logs, ILoggerFactory LoggerFactory, ConcurrentScrapeLimit? ScrapeLimit = null);
