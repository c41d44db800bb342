using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Pipeline;

/// <summary>
/// Takes data points from the stage before it, as OpenTelemetry Collector's <c>consumer.Metrics</c>: a
/// processor chain, an exporter, a fan-out to several of them.
/// </summary>
public interface IMetricsConsumer
{
    /// <summary>
    /// Takes a scrape's points. The buffer belongs to the caller and is reused once this returns, so
    /// a consumer that keeps anything copies or encodes it before returning. Never throws for
    /// expected failures (a full queue, an unreachable endpoint): those are counted by the consumer.
    /// </summary>
    /// <param name="metrics">The points; not changed by the consumer.</param>
    void ConsumeMetrics(MetricsBuffer metrics);
}
