using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Processing;

namespace PgMetrics.Runtime.Components;

/// <summary>
/// Makes exporters of one type, as an OpenTelemetry Collector exporter factory: it names the type, reads
/// and checks the type's config block, and creates the exporter with the processors its config chooses.
/// </summary>
internal interface IExporterFactory
{
    /// <summary>The type name, the part of a config name before any <c>/</c>, e.g. <c>newrelic</c>.</summary>
    string Type { get; }

    /// <summary>Whether the collector's own <c>pgmetrics.*</c> metrics go to exporters of this type (not to the console, which shows scrapes).</summary>
    bool ExportsSelfMetrics => true;

    /// <summary>Reads one block; problems go to the section's errors and the config still comes back with defaults in their place.</summary>
    ExporterConfig Read(string name, ConfigBlock block);

    /// <summary>Creates the exporter and the processors that run before it (cardinality limits, delta conversion), in order.</summary>
    /// <param name="config">A valid config of this factory's type.</param>
    /// <param name="state">What the exporter keeps across config reloads (its queue), by exporter name.</param>
    /// <param name="loggerFactory">Where the exporter logs.</param>
    (IExporter Exporter, IReadOnlyList<IMetricsProcessor> Processors) Create(ExporterConfig config, ExporterState state, ILoggerFactory loggerFactory);
}
