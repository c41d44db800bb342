namespace PgMetrics.Metadata.Model;

/// <summary>The OpenTelemetry data type of a metric: which of <c>gauge</c>, <c>sum</c> or <c>histogram</c> metadata.yaml gives it.</summary>
public enum MetricKind
{
    /// <summary>A value sampled at a moment (<c>gauge:</c>).</summary>
    Gauge,

    /// <summary>A value that adds up over time (<c>sum:</c>), monotonic or not.</summary>
    Sum,

    /// <summary>A distribution in buckets (<c>histogram:</c>), recorded from code.</summary>
    Histogram,
}
