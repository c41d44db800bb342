namespace PgMetrics.Runtime.Metrics;

/// <summary>
/// One recorded number, or for a histogram its count (<see cref="IntValue"/>), sum
/// (<see cref="DoubleValue"/>) and buckets. <see cref="StartTimeUnixNano"/> is set for deltas; zero
/// means the buffer's start time. Its attributes live in the buffer's shared attribute array, addressed by
/// start and count, so a point is a fixed-size struct with no references of its own but the metric.
/// </summary>
public readonly record struct DataPoint(
    MetricDescriptor Metric,
    int ResourceIndex,
    long TimeUnixNano,
    long IntValue,
    double DoubleValue,
    int AttributeStart,
    int AttributeCount,
    int HistogramStart = 0,
    int HistogramBoundCount = 0,
    long StartTimeUnixNano = 0)
{
    /// <summary>The value as a double, whatever the metric's value type.</summary>
    public double AsDouble() => Metric.ValueType == MetricValueType.Int ? IntValue : DoubleValue;
}
