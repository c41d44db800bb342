using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Processing;

namespace PgMetrics.Hosting;

/// <summary>
/// Hands what receivers scrape to every exporter in use, each through its own processor chain, as the
/// OpenTelemetry Collector's fan-out consumer, and as it does, copying only for the routes that
/// change what they are given: routes that only read see the scrape first, each route that changes it
/// but the last gets a copy, and the last gets the scrape itself. With one exporter nothing is copied.
/// The collector's own metrics take the same way to the exporters that want them.
/// </summary>
internal sealed class MetricsFanOut : IMetricsConsumer, ILogsConsumer
{
    private readonly IReadOnlyList<Route> _routes;
    private readonly IReadOnlyList<Route> _selfMetricsRoutes;

    /// <summary>Creates the fan-out over one route per exporter.</summary>
    public MetricsFanOut(IReadOnlyList<Route> routes)
    {
        _routes = routes;
        _selfMetricsRoutes = [.. routes.Where(route => route.ExportsSelfMetrics)];
    }

    /// <summary>The routes, one per exporter in use.</summary>
    public IReadOnlyList<Route> Routes => _routes;

    /// <summary>True when any route changes the buffers it is given: the last such route gets the caller's own.</summary>
    public bool MutatesData => _routes.Any(route => route.Chain.MutatesData);

    /// <inheritdoc/>
    public void ConsumeMetrics(MetricsBuffer metrics) => FanOut(_routes, metrics);

    /// <inheritdoc/>
    public void ConsumeLogs(LogBatch logs)
    {
        foreach (var route in _routes)
        {
            route.Exporter.ConsumeLogs(logs);
        }
    }

    /// <summary>Hands the collector's own metrics to the exporters that export them.</summary>
    /// <param name="metrics">The collector's own metrics; changed by the routes' processors.</param>
    public void ConsumeSelfMetrics(MetricsBuffer metrics) => FanOut(_selfMetricsRoutes, metrics);

    private static void FanOut(IReadOnlyList<Route> routes, MetricsBuffer metrics)
    {
        var lastChanging = -1;
        for (var i = 0; i < routes.Count; i++)
        {
            if (!routes[i].Chain.MutatesData)
            {
                routes[i].Chain.ConsumeMetrics(metrics);
            }
            else
            {
                lastChanging = i;
            }
        }

        for (var i = 0; i < lastChanging; i++)
        {
            if (routes[i].Chain.MutatesData)
            {
                routes[i].Chain.ConsumeCopyOf(metrics);
            }
        }

        if (lastChanging >= 0)
        {
            routes[lastChanging].Chain.ConsumeMetrics(metrics);
        }
    }

    /// <summary>One exporter and the processors before it.</summary>
    /// <param name="ExportsSelfMetrics">Whether the collector's own metrics go to it too.</param>
    internal sealed record Route(IExporter Exporter, ProcessorChain Chain, bool ExportsSelfMetrics);
}
