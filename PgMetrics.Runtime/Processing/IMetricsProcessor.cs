using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Processing;

/// <summary>
/// A step between receivers and an exporter, as an OpenTelemetry Collector processor: it changes a
/// buffer in place (drops, folds or rewrites points). Each exporter has its own chain, so a processor
/// may keep state across scrapes (baselines, admitted series) for that exporter alone.
/// </summary>
public interface IMetricsProcessor
{
    /// <summary>Changes <paramref name="metrics"/> in place; called with one buffer at a time.</summary>
    /// <param name="metrics">A buffer the chain owns; it may be changed freely.</param>
    void Process(MetricsBuffer metrics);
}
