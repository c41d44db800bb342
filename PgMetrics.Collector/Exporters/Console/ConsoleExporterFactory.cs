using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Processing;

namespace PgMetrics.Collector.Exporters.Console;

/// <summary>Makes <c>console</c> exporters: tables on standard output, unprocessed.</summary>
internal sealed class ConsoleExporterFactory : IExporterFactory
{
    /// <inheritdoc/>
    public string Type => "console";

    /// <inheritdoc/>
    public bool ExportsSelfMetrics => false;

    /// <inheritdoc/>
    public ExporterConfig Read(string name, ConfigBlock block)
    {
        _ = block.Read([]);
        return new ConsoleExporterConfig { Name = name };
    }

    /// <inheritdoc/>
    public (IExporter Exporter, IReadOnlyList<IMetricsProcessor> Processors) Create(ExporterConfig config, ExporterState state, ILoggerFactory loggerFactory)
        => (new ConsoleExporter(config.Name, MetricsTableWriter.ForStandardOutput()), []);
}
