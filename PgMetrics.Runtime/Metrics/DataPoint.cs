namespace PgMetrics.Runtime.Metrics;

/// <summary>
/// One recorded number. Its attributes live in the buffer's shared attribute array, addressed by
/// start and count, so a point is a fixed-size struct with no references of its own but the metric.
/// </summary>
public readonly record struct DataPoint(
    MetricDescriptor Metric,
    int ResourceIndex,
    long TimeUnixNano,
    long IntValue,
    double DoubleValue,
    int AttributeStart,
    int AttributeCount)
{
    /// <summary>The value as a double, whatever the metric's value type.</summary>
    public double AsDouble() => Metric.ValueType == MetricValueType.Int ? IntValue : DoubleValue;
}
