namespace PgMetrics.Runtime.Metrics;

/// <summary>Whether a metric's data points carry integers or floating-point numbers.</summary>
public enum MetricValueType
{
    /// <summary>64-bit signed integers.</summary>
    Int,

    /// <summary>64-bit floating-point numbers.</summary>
    Double,
}
