namespace PgMetrics.Runtime.Metrics;

/// <summary>The OTLP data type of a metric.</summary>
public enum MetricKind
{
    /// <summary>A value sampled at a point in time.</summary>
    Gauge,

    /// <summary>A sum over time, monotonic or not.</summary>
    Sum,

    /// <summary>A distribution of values in buckets.</summary>
    Histogram,
}
