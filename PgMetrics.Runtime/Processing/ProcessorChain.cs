using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;

namespace PgMetrics.Runtime.Processing;

/// <summary>
/// Runs processors on each buffer and hands the result to the next consumer. With processors it
/// changes the buffer it is given (<see cref="MutatesData"/>), as an OpenTelemetry Collector processor
/// does: the fan-out in front of several exporters gives every chain but the last a copy
/// (<see cref="ConsumeCopyOf"/>), so a single exporter's scrape is never copied at all. Without
/// processors, buffers pass through unchanged.
/// </summary>
public sealed class ProcessorChain : IMetricsConsumer
{
    private readonly IReadOnlyList<IMetricsProcessor> _processors;
    private readonly IMetricsConsumer _next;

    // Holds the copy ConsumeCopyOf makes; kept between scrapes so its arrays are reused.
    private readonly MetricsBuffer _copy = new();
    private readonly Lock _gate = new();

    /// <summary>Creates a chain that runs <paramref name="processors"/> in order, then calls <paramref name="next"/>.</summary>
    public ProcessorChain(IReadOnlyList<IMetricsProcessor> processors, IMetricsConsumer next)
    {
        _processors = processors;
        _next = next;
    }

    /// <summary>The processors, in the order they run.</summary>
    public IReadOnlyList<IMetricsProcessor> Processors => _processors;

    /// <summary>True when the chain has processors (they change the buffer in place) or its next consumer changes it.</summary>
    public bool MutatesData => _processors.Count > 0 || _next.MutatesData;

    /// <summary>Runs the processors on <paramref name="metrics"/> itself, changing it, then hands it on.</summary>
    /// <param name="metrics">A buffer the caller does not read again; see <see cref="IMetricsConsumer.ConsumeMetrics"/>.</param>
    public void ConsumeMetrics(MetricsBuffer metrics)
    {
        if (_processors.Count == 0)
        {
            _next.ConsumeMetrics(metrics);
            return;
        }

        // Receivers scrape on their own schedules, so buffers may arrive from several threads at once;
        // the processors' state sees one at a time.
        lock (_gate)
        {
            Process(metrics);
        }
    }

    /// <summary>Runs the processors on a copy of <paramref name="metrics"/>, which stays as it was.</summary>
    /// <param name="metrics">A buffer other consumers see too.</param>
    public void ConsumeCopyOf(MetricsBuffer metrics)
    {
        if (!MutatesData)
        {
            _next.ConsumeMetrics(metrics);
            return;
        }

        lock (_gate)
        {
            _copy.CopyFrom(metrics);
            Process(_copy);
        }
    }

    private void Process(MetricsBuffer metrics)
    {
        foreach (var processor in _processors)
        {
            processor.Process(metrics);
        }

        if (metrics.Count > 0)
        {
            _next.ConsumeMetrics(metrics);
        }
    }
}
