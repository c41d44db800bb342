namespace PgMetrics.Runtime.Metrics;

/// <summary>
/// One recorded number. Its attributes live in the buffer's shared attribute array, addressed by
/// start and count, so a point is a fixed-size struct with no references of its own but the metric.
/// A histogram point keeps its count in <see cref="IntValue"/> and its sum in <see cref="DoubleValue"/>
/// (read them as <see cref="HistogramCount"/> and <see cref="HistogramSum"/>) and its buckets in the buffer.
/// </summary>
/// <param name="Metric">What was measured.</param>
/// <param name="ResourceIndex">The index of the point's resource in <see cref="MetricsBuffer.Resources"/>.</param>
/// <param name="TimeUnixNano">When the value was read, in Unix nanoseconds.</param>
/// <param name="IntValue">The value of an integer metric, or a histogram's count.</param>
/// <param name="DoubleValue">The value of a floating-point metric, or a histogram's sum.</param>
/// <param name="AttributeStart">Where the point's attributes start in the buffer's attribute array.</param>
/// <param name="AttributeCount">How many attributes the point has.</param>
/// <param name="HistogramStart">Where a histogram point's bounds and counts start in the buffer's bucket arrays.</param>
/// <param name="HistogramBoundCount">How many explicit bounds a histogram point has (its buckets are one more).</param>
/// <param name="StartTimeUnixNano">Set for deltas: the start of the interval, in Unix nanoseconds; zero means the buffer's start time.</param>
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
    /// <summary>A histogram point's number of recorded values.</summary>
    public long HistogramCount => IntValue;

    /// <summary>A histogram point's sum of recorded values.</summary>
    public double HistogramSum => DoubleValue;

    /// <summary>The value as a double, whatever the metric's value type.</summary>
    public double AsDouble() => Metric.ValueType == MetricValueType.Int ? IntValue : DoubleValue;
}
