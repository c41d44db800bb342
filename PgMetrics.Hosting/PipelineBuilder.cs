using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Components;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Processing;

namespace PgMetrics.Hosting;

/// <summary>Builds the pipeline a valid config describes, each component by its type's factory.</summary>
internal static class PipelineBuilder
{
    /// <summary>Creates exporters with their processors, the fan-out over them, and the receivers feeding it.</summary>
    /// <param name="config">A validated config.</param>
    /// <param name="factories">The factories of the components the config names.</param>
    /// <param name="state">What exporters keep across reloads (their queues).</param>
    /// <param name="loggerFactory">Where components log.</param>
    public static Pipeline Build(CollectorConfig config, ComponentFactories factories, ExporterState state, ILoggerFactory loggerFactory)
    {
        var routes = new List<MetricsFanOut.Route>();
        foreach (var exporterConfig in config.ExportersInUse)
        {
            var factory = factories.Exporters[ComponentFactories.TypeOf(exporterConfig.Name)];
            var (exporter, processors) = factory.Create(exporterConfig, state, loggerFactory);
            routes.Add(new MetricsFanOut.Route(exporter, new ProcessorChain(processors, exporter), factory.ExportsSelfMetrics));
        }

        var fanOut = new MetricsFanOut(routes);
        var receivers = new List<IReceiver>();
        foreach (var receiverConfig in config.Receivers)
        {
            var factory = factories.Receivers[ComponentFactories.TypeOf(receiverConfig.Name)];
            receivers.Add(factory.Create(receiverConfig, fanOut, fanOut, loggerFactory));
        }

        var interval = config.Receivers.Select(r => r.CollectionInterval).DefaultIfEmpty(TimeSpan.FromSeconds(60)).Min();
        return new Pipeline(receivers, [.. routes.Select(r => r.Exporter)], fanOut, interval);
    }
}
