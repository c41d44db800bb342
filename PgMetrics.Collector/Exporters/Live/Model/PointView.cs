using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Collector.Exporters.Live.Model;

/// <summary>
/// One data point as the view reads it: its metric's name, its value, its point attributes, and, for a
/// delta the delta processor made, the interval it covers (its start time is the previous scrape's).
/// </summary>
internal readonly ref struct PointView(in DataPoint point, ReadOnlySpan<KeyValue> attributes)
{
    private readonly DataPoint _point = point;
    private readonly ReadOnlySpan<KeyValue> _attributes = attributes;

    /// <summary>The metric's name.</summary>
    public string Metric => _point.Metric.Name;

    /// <summary>The value as a double.</summary>
    public double Value => _point.AsDouble();

    /// <summary>The value of an integer metric; a double metric's value truncated.</summary>
    public long IntValue => _point.Metric.ValueType == MetricValueType.Int ? _point.IntValue : (long)_point.DoubleValue;

    /// <summary>When the value was read, in Unix nanoseconds.</summary>
    public long TimeUnixNano => _point.TimeUnixNano;

    /// <summary>Whether the point is a delta over an interval (a monotonic counter after the delta processor).</summary>
    public bool IsDelta => _point.StartTimeUnixNano > 0 && _point.TimeUnixNano > _point.StartTimeUnixNano;

    /// <summary>The interval a delta covers, in seconds; null for other points.</summary>
    public double? IntervalSeconds => IsDelta ? (_point.TimeUnixNano - _point.StartTimeUnixNano) / 1e9 : null;

    /// <summary>A delta divided by its interval, per second; null for other points (the first scrape only sets the baseline).</summary>
    public double? PerSecond => IntervalSeconds is { } seconds ? Value / seconds : null;

    /// <summary>A point attribute's value as text, or null when the point has none of that name.</summary>
    public string? Attribute(string key)
    {
        foreach (var attribute in _attributes)
        {
            if (attribute.Key == key)
            {
                return attribute.FormatValue();
            }
        }

        return null;
    }
}
