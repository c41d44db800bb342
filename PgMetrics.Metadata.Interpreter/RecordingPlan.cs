using PgMetrics.Metadata.Model;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Metadata.Interpreter;

/// <summary>
/// One <see cref="RecordingSpec"/> ready to run: what a generated <c>if (row.X is { } …) builder.Record…DataPoint(…)</c>
/// does. A point is recorded when the metric is enabled and the value and every attribute are present.
/// </summary>
internal sealed class RecordingPlan
{
    private readonly MetricDescriptor _descriptor;
    private readonly MetricConfig _config;
    private readonly int _valueOrdinal;
    private readonly bool _isIntMetric;
    private readonly AttributeSource[] _attributes;

    public RecordingPlan(RecordingSpec recording, MetricDescriptor descriptor, MetricConfig config)
    {
        _descriptor = descriptor;
        _config = config;
        _valueOrdinal = recording.ValueColumn.Ordinal;
        _isIntMetric = descriptor.ValueType == MetricValueType.Int;
        _attributes = [.. recording.Attributes.Select(AttributeSource.From)];
    }

    public int AttributeCount => _attributes.Length;

    /// <summary>Records the row's point into <paramref name="buffer"/>, using <paramref name="scratch"/> for its attributes.</summary>
    public void Record(RowValues row, MetricsBuffer buffer, long timeUnixNano, KeyValue[] scratch)
    {
        if (row.IsNull(_valueOrdinal) || !_config.Enabled)
        {
            return;
        }

        for (var i = 0; i < _attributes.Length; i++)
        {
            if (!_attributes[i].TryGet(row, out scratch[i]))
            {
                return;
            }
        }

        var attributes = new ReadOnlySpan<KeyValue>(scratch, 0, _attributes.Length);
        if (_isIntMetric)
        {
            buffer.AddPoint(_descriptor, timeUnixNano, row.Int(_valueOrdinal), attributes);
        }
        else
        {
            buffer.AddPoint(_descriptor, timeUnixNano, row.Double(_valueOrdinal), attributes);
        }
    }
}
