using PgMetrics.Runtime.Pipeline;

namespace PgMetrics.Hosting;

/// <summary>
/// The running graph one config describes: receivers → fan-out → processors → exporters. Exporters start
/// before receivers and stop after them, so nothing scraped has nowhere to go.
/// </summary>
internal sealed class Pipeline
{
    /// <summary>Wires built components together; nothing runs until <see cref="StartAsync"/>.</summary>
    public Pipeline(IReadOnlyList<IReceiver> receivers, IReadOnlyList<IExporter> exporters, MetricsFanOut fanOut, TimeSpan selfMetricsInterval)
    {
        Receivers = receivers;
        Exporters = exporters;
        FanOut = fanOut;
        SelfMetricsInterval = selfMetricsInterval;
    }

    /// <summary>The receivers, in config order.</summary>
    public IReadOnlyList<IReceiver> Receivers { get; }

    /// <summary>The exporters in use, in config order.</summary>
    public IReadOnlyList<IExporter> Exporters { get; }

    /// <summary>Where receivers and self-metrics hand their data.</summary>
    public MetricsFanOut FanOut { get; }

    /// <summary>How often the collector's own metrics are reported: the shortest collection interval.</summary>
    public TimeSpan SelfMetricsInterval { get; }

    /// <summary>Every component, for readiness.</summary>
    public IEnumerable<IComponent> Components => Receivers.Cast<IComponent>().Concat(Exporters);

    /// <summary>Starts exporters, then receivers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var exporter in Exporters)
        {
            await exporter.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var receiver in Receivers)
        {
            await receiver.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops receivers: each finishes or, at <paramref name="cancellationToken"/>, abandons its scrape and closes its connections.</summary>
    public async Task StopReceiversAsync(CancellationToken cancellationToken)
    {
        foreach (var receiver in Receivers)
        {
            await receiver.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops exporters, giving queued data until <paramref name="cancellationToken"/> to leave (a cancelled
    /// token stops them at once; data in the queues carries over to the next pipeline's exporters).
    /// </summary>
    public async Task StopExportersAsync(CancellationToken cancellationToken)
    {
        foreach (var exporter in Exporters)
        {
            await exporter.ShutdownAsync(cancellationToken).ConfigureAwait(false);
            (exporter as IDisposable)?.Dispose();
        }
    }
}
