using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Pipeline;

/// <summary>
/// Takes data points from the stage before it, as OpenTelemetry Collector's <c>consumer.Metrics</c>: a
/// processor chain, an exporter, a fan-out to several of them.
/// </summary>
public interface IMetricsConsumer
{
    /// <summary>
    /// Whether <see cref="ConsumeMetrics"/> changes the buffer it is given, as the OpenTelemetry
    /// Collector's <c>consumer.Capabilities.MutatesData</c>. A fan-out gives such a consumer a copy
    /// unless it is the last one to see the buffer. False unless a consumer says otherwise.
    /// </summary>
    bool MutatesData => false;

    /// <summary>
    /// Takes a scrape's points. The buffer belongs to the caller and is reused once this returns, so
    /// a consumer that keeps anything copies or encodes it before returning. Never throws for
    /// expected failures (a full queue, an unreachable endpoint): those are counted by the consumer.
    /// </summary>
    /// <param name="metrics">
    /// The points. Not changed by the consumer unless its <see cref="MutatesData"/> is true; a caller
    /// that hands the buffer to such a consumer does not read it again (receivers refill theirs on the
    /// next scrape).
    /// </param>
    void ConsumeMetrics(MetricsBuffer metrics);
}
