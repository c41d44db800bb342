using Microsoft.Extensions.Logging;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Processing;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Hosting;

/// <summary>Builds the pipeline a valid config describes, each component by its type's factory.</summary>
internal static class PipelineBuilder
{
    /// <summary>Creates exporters with their processors, the fan-out over them, and the receivers of the targets this replica owns.</summary>
    /// <param name="config">A validated config.</param>
    /// <param name="factories">The factories of the components the config names.</param>
    /// <param name="state">What exporters keep across reloads (their queues).</param>
    /// <param name="loggerFactory">Where components log.</param>
    /// <param name="stopped">Told the name of each receiver stopped for good (its target removed), to forget its self-metrics.</param>
    public static Pipeline Build(CollectorConfig config, ComponentFactories factories, ExporterState state, ILoggerFactory loggerFactory, Action<string>? stopped = null)
    {
        var routes = new List<MetricsFanOut.Route>();
        foreach (var exporterConfig in config.ExportersInUse)
        {
            var factory = factories.Exporters[ComponentFactories.TypeOf(exporterConfig.Name)];
            var (exporter, processors) = factory.Create(exporterConfig, state, loggerFactory);
            routes.Add(new MetricsFanOut.Route(exporter, new ProcessorChain(processors, exporter), factory.ExportsSelfMetrics));
        }

        var fanOut = new MetricsFanOut(routes);
        var scrapeLimit = new ConcurrentScrapeLimit(config.Service.MaxConcurrentScrapes);
        var context = new ReceiverContext(fanOut, fanOut, loggerFactory, scrapeLimit);
        var receivers = new ReceiverSet(target => factories.Receivers[ComponentFactories.TypeOf(target.Name)].Create(target, context), stopped ?? (_ => { }));
        var interval = config.Receivers.Select(r => r.CollectionInterval).DefaultIfEmpty(TimeSpan.FromSeconds(60)).Min();
        return new Pipeline(config.OwnedTargets(), receivers, [.. routes.Select(r => r.Exporter)], fanOut, interval, scrapeLimit);
    }
}
