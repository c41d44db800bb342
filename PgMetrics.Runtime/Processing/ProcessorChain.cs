using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;

namespace PgMetrics.Runtime.Processing;

/// <summary>
/// Runs processors on a copy of each buffer and hands the result to the next consumer. The copy
/// matters: the same scraped buffer goes to every exporter, and each exporter's processors change it
/// differently. Without processors, buffers pass through uncopied.
/// </summary>
public sealed class ProcessorChain : IMetricsConsumer
{
    private readonly IReadOnlyList<IMetricsProcessor> _processors;
    private readonly IMetricsConsumer _next;
    private readonly MetricsBuffer _scratch = new();
    private readonly Lock _gate = new();

    /// <summary>Creates a chain that runs <paramref name="processors"/> in order, then calls <paramref name="next"/>.</summary>
    public ProcessorChain(IReadOnlyList<IMetricsProcessor> processors, IMetricsConsumer next)
    {
        _processors = processors;
        _next = next;
    }

    /// <summary>The processors, in the order they run.</summary>
    public IReadOnlyList<IMetricsProcessor> Processors => _processors;

    /// <inheritdoc/>
    public void ConsumeMetrics(MetricsBuffer metrics)
    {
        if (_processors.Count == 0)
        {
            _next.ConsumeMetrics(metrics);
            return;
        }

        // Receivers scrape on their own schedules, so buffers may arrive from several threads at once;
        // the processors' state and the scratch buffer see one at a time.
        lock (_gate)
        {
            _scratch.CopyFrom(metrics);
            foreach (var processor in _processors)
            {
                processor.Process(_scratch);
            }

            if (_scratch.Count > 0)
            {
                _next.ConsumeMetrics(_scratch);
            }
        }
    }
}
