using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Processing;

namespace PgMetrics.Hosting;

/// <summary>
/// Hands what receivers scrape to every exporter in use, each through its own processor chain, as the
/// OpenTelemetry Collector's fan-out consumer. The collector's own metrics take the same way to the
/// exporters that want them.
/// </summary>
internal sealed class MetricsFanOut : IMetricsConsumer, ILogsConsumer
{
    private readonly IReadOnlyList<Route> _routes;

    /// <summary>Creates the fan-out over one route per exporter.</summary>
    public MetricsFanOut(IReadOnlyList<Route> routes) => _routes = routes;

    /// <summary>The routes, one per exporter in use.</summary>
    public IReadOnlyList<Route> Routes => _routes;

    /// <inheritdoc/>
    public void ConsumeMetrics(MetricsBuffer metrics)
    {
        foreach (var route in _routes)
        {
            route.Chain.ConsumeMetrics(metrics);
        }
    }

    /// <inheritdoc/>
    public void ConsumeLogs(LogBatch logs)
    {
        foreach (var route in _routes)
        {
            route.Exporter.ConsumeLogs(logs);
        }
    }

    /// <summary>Hands the collector's own metrics to the exporters that export them.</summary>
    public void ConsumeSelfMetrics(MetricsBuffer metrics)
    {
        foreach (var route in _routes.Where(r => r.ExportsSelfMetrics))
        {
            route.Chain.ConsumeMetrics(metrics);
        }
    }

    /// <summary>One exporter and the processors before it.</summary>
    /// <param name="ExportsSelfMetrics">Whether the collector's own metrics go to it too.</param>
    internal sealed record Route(IExporter Exporter, ProcessorChain Chain, bool ExportsSelfMetrics);
}
