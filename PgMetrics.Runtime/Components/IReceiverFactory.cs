using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Pipeline;

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

    /// <summary>Creates the receiver; its scrapes go to <paramref name="metrics"/> and <paramref name="logs"/>.</summary>
    IReceiver Create(ReceiverConfig config, IMetricsConsumer metrics, ILogsConsumer logs, ILoggerFactory loggerFactory);
}
