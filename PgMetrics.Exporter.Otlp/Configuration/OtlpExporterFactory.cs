using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Exporter.Otlp;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Processing;

namespace PgMetrics.Exporter.Otlp.Configuration;

/// <summary>Makes <c>otlp</c> exporters: OTLP/HTTP protobuf to any endpoint, cumulative sums unless told otherwise.</summary>
internal sealed class OtlpExporterFactory : IExporterFactory
{
    private static readonly string[] Keys = ["endpoint", "headers", .. OtlpExportSettings.Keys];

    /// <inheritdoc/>
    public string Type => "otlp";

    /// <inheritdoc/>
    public ExporterConfig Read(string name, ConfigBlock block)
    {
        var section = block.Read(Keys);
        return new OtlpExporterConfig
        {
            Name = name,
            Endpoint = section.Url("endpoint"),
            Headers = section.TextMap("headers"),
            Settings = OtlpExportSettings.Read(section),
        };
    }

    /// <inheritdoc/>
    public (IExporter Exporter, IReadOnlyList<IMetricsProcessor> Processors) Create(ExporterConfig config, ExporterState state, ILoggerFactory loggerFactory)
    {
        var otlp = (OtlpExporterConfig)config;
        var destination = new OtlpExporterOptions { Name = otlp.Name, Endpoint = otlp.Endpoint!, Headers = otlp.Headers };
        return otlp.Settings.Create(destination, AggregationTemporality.Cumulative, state, loggerFactory.CreateLogger("pgmetrics.exporter." + otlp.Name));
    }
}
