using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Hosting;

/// <summary>
/// The running graph one config describes: receivers → fan-out → processors → exporters. Exporters start
/// before receivers and stop after them, so nothing scraped has nowhere to go. The receivers are one per
/// target and may change while the pipeline runs (a targets file edited, a Service discovered), through
/// <see cref="ApplyTargetsAsync"/>; the exporters and their processors stay.
/// </summary>
internal sealed class Pipeline : IDisposable
{
    private readonly IReadOnlyList<ReceiverConfig> _initialTargets;

    /// <summary>Wires built components together; nothing runs until <see cref="StartAsync"/>.</summary>
    public Pipeline(IReadOnlyList<ReceiverConfig> targets, ReceiverSet receivers, IReadOnlyList<IExporter> exporters, MetricsFanOut fanOut, TimeSpan selfMetricsInterval, ConcurrentScrapeLimit scrapeLimit)
    {
        _initialTargets = targets;
        ReceiverSet = receivers;
        Exporters = exporters;
        FanOut = fanOut;
        SelfMetricsInterval = selfMetricsInterval;
        ScrapeLimit = scrapeLimit;
    }

    /// <summary>The targets the pipeline was built for, which <see cref="StartAsync"/> starts.</summary>
    public IReadOnlyList<ReceiverConfig> Targets => _initialTargets;

    /// <summary>The running receivers, one per target, in name order.</summary>
    public IReadOnlyList<IReceiver> Receivers => ReceiverSet.Receivers;

    /// <summary>The running receivers with their configs, changed by <see cref="ApplyTargetsAsync"/>.</summary>
    public ReceiverSet ReceiverSet { get; }

    /// <summary>The exporters in use, in config order.</summary>
    public IReadOnlyList<IExporter> Exporters { get; }

    /// <summary>Where receivers and self-metrics hand their data.</summary>
    public MetricsFanOut FanOut { get; }

    /// <summary>How often the collector's own metrics are reported: the shortest collection interval.</summary>
    public TimeSpan SelfMetricsInterval { get; }

    /// <summary>The limit on scrapes at once that every receiver of this pipeline shares.</summary>
    public ConcurrentScrapeLimit ScrapeLimit { get; }

    /// <summary>Every component whose problems make the collector unready: exporters, and receivers configured one by one.</summary>
    public IEnumerable<IComponent> Components
    {
        get
        {
            var listed = ReceiverSet.Configs.Where(c => c.IsListedTarget).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            return Receivers.Where(r => !listed.Contains(r.Name)).Cast<IComponent>().Concat(Exporters);
        }
    }

    /// <summary>The receivers of listed targets: their problems are named in <c>/readyz</c>, each its own, but leave the collector ready.</summary>
    public IEnumerable<IComponent> ListedTargets
    {
        get
        {
            var listed = ReceiverSet.Configs.Where(c => c.IsListedTarget).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            return Receivers.Where(r => listed.Contains(r.Name));
        }
    }

    /// <summary>Starts exporters, then the receivers of the targets the pipeline was built with.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var exporter in Exporters)
        {
            await exporter.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        await ReceiverSet.ApplyAsync(_initialTargets, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves the receivers to <paramref name="targets"/>: new ones start, removed ones stop, unchanged ones keep running.</summary>
    public Task<ReceiverSet.Changes> ApplyTargetsAsync(IReadOnlyList<ReceiverConfig> targets, CancellationToken cancellationToken)
        => ReceiverSet.ApplyAsync(targets, cancellationToken);

    /// <summary>Stops receivers: each finishes or, at <paramref name="cancellationToken"/>, abandons its scrape and closes its connections.</summary>
    public Task StopReceiversAsync(CancellationToken cancellationToken) => ReceiverSet.StopAllAsync(cancellationToken);

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

    /// <inheritdoc/>
    public void Dispose() => ScrapeLimit.Dispose();
}
