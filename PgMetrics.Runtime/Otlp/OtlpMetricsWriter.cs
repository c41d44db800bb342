using System.Buffers;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Otlp;

/// <summary>
/// Encodes a <see cref="MetricsBuffer"/> as an OTLP <c>ExportMetricsServiceRequest</c>: points grouped
/// by resource, then by metric, with each metric's name, description and unit copied from its
/// pre-encoded header. Serialization only; sending is the exporter's job.
/// </summary>
public sealed class OtlpMetricsWriter
{
    // Field numbers from opentelemetry/proto/collector/metrics/v1 and metrics/v1.
    private const int RequestResourceMetrics = 1;
    private const int ResourceMetricsResource = 1;
    private const int ResourceMetricsScopeMetrics = 2;
    private const int ResourceAttributes = 1;
    private const int ScopeMetricsScope = 1;
    private const int ScopeMetricsMetrics = 2;
    private const int MetricGauge = 5;
    private const int MetricSum = 7;
    private const int MetricHistogram = 9;
    private const int DataPoints = 1;
    private const int SumTemporality = 2;
    private const int SumIsMonotonic = 3;
    private const int HistogramTemporality = 2;
    private const int NumberStartTime = 2;
    private const int NumberTime = 3;
    private const int NumberAsDouble = 4;
    private const int NumberAsInt = 6;
    private const int NumberAttributes = 7;
    private const int HistogramStartTime = 2;
    private const int HistogramTime = 3;
    private const int HistogramCount = 4;
    private const int HistogramSum = 5;
    private const int HistogramBucketCounts = 6;
    private const int HistogramExplicitBounds = 7;
    private const int HistogramAttributes = 9;
    private const int TemporalityDelta = 1;
    private const int TemporalityCumulative = 2;

    private readonly ProtobufBuffer _buffer = new();
    private readonly Dictionary<MetricDescriptor, int> _metricOrdinals = new(ReferenceEqualityComparer.Instance);
    private readonly string _scopeName;
    private readonly string _scopeVersion;
    private long[] _order = new long[256];

    /// <summary>Creates a writer whose instrumentation scope is <paramref name="scopeName"/>.</summary>
    public OtlpMetricsWriter(string scopeName = "pgmetrics", string? scopeVersion = null)
    {
        _scopeName = scopeName;
        _scopeVersion = scopeVersion ?? OtlpCommon.ScopeVersion;
    }

    /// <summary>Encodes every point of <paramref name="metrics"/> into <paramref name="output"/>; returns the bytes written.</summary>
    public int Write(MetricsBuffer metrics, IBufferWriter<byte> output)
    {
        _buffer.Clear();
        var points = metrics.Points;
        SortByResourceAndMetric(points);

        var i = 0;
        while (i < points.Length)
        {
            var resource = points[(int)(_order[i] & IndexMask)].ResourceIndex;
            var resourceMetrics = _buffer.BeginMessage(RequestResourceMetrics);
            var resourceMessage = _buffer.BeginMessage(ResourceMetricsResource);
            foreach (var attribute in metrics.Resources[resource])
            {
                OtlpCommon.WriteKeyValue(_buffer, ResourceAttributes, attribute);
            }

            _buffer.EndMessage(resourceMessage);
            var scopeMetrics = _buffer.BeginMessage(ResourceMetricsScopeMetrics);
            OtlpCommon.WriteScope(_buffer, ScopeMetricsScope, _scopeName, _scopeVersion);

            while (i < points.Length && points[(int)(_order[i] & IndexMask)].ResourceIndex == resource)
            {
                var metric = points[(int)(_order[i] & IndexMask)].Metric;
                var metricMessage = _buffer.BeginMessage(ScopeMetricsMetrics);
                _buffer.WriteRaw(metric.OtlpHeader.Span);
                var data = _buffer.BeginMessage(metric.Kind switch { MetricKind.Sum => MetricSum, MetricKind.Gauge => MetricGauge, _ => MetricHistogram });
                while (i < points.Length)
                {
                    ref readonly var point = ref points[(int)(_order[i] & IndexMask)];
                    if (point.ResourceIndex != resource || !ReferenceEquals(point.Metric, metric))
                    {
                        break;
                    }

                    if (metric.Kind == MetricKind.Histogram)
                    {
                        WriteHistogramPoint(metrics, point);
                    }
                    else
                    {
                        WriteNumberPoint(metrics, point);
                    }

                    i++;
                }

                if (metric.Kind == MetricKind.Sum)
                {
                    _buffer.WriteTag(SumTemporality, WireType.Varint);
                    _buffer.WriteVarint(metric.IsMonotonic && metrics.MonotonicSumsAreDeltas ? (uint)TemporalityDelta : Temporality(metric));
                    _buffer.WriteTag(SumIsMonotonic, WireType.Varint);
                    _buffer.WriteVarint(metric.IsMonotonic ? 1u : 0u);
                }
                else if (metric.Kind == MetricKind.Histogram)
                {
                    _buffer.WriteTag(HistogramTemporality, WireType.Varint);
                    _buffer.WriteVarint(Temporality(metric));
                }

                _buffer.EndMessage(data);
                _buffer.EndMessage(metricMessage);
            }

            _buffer.EndMessage(scopeMetrics);
            _buffer.EndMessage(resourceMetrics);
        }

        output.Write(_buffer.WrittenSpan);
        return _buffer.Length;
    }

    private const int IndexBits = 27;
    private const long IndexMask = (1L << IndexBits) - 1;
    private const int MetricBits = 16;

    /// <summary>
    /// Orders points by resource, then metric (in order of first appearance), then recording order,
    /// packed into one long per point so the sort needs no comparer and allocates nothing.
    /// </summary>
    private void SortByResourceAndMetric(ReadOnlySpan<DataPoint> points)
    {
        if (points.Length > IndexMask)
        {
            throw new InvalidOperationException($"A single export of {points.Length} points is more than the writer supports ({IndexMask}).");
        }

        if (_order.Length < points.Length)
        {
            _order = new long[Math.Max(points.Length, _order.Length * 2)];
        }

        _metricOrdinals.Clear();
        for (var i = 0; i < points.Length; i++)
        {
            if (!_metricOrdinals.TryGetValue(points[i].Metric, out var ordinal))
            {
                ordinal = _metricOrdinals.Count;
                _metricOrdinals[points[i].Metric] = ordinal;
            }

            _order[i] = ((long)points[i].ResourceIndex << (IndexBits + MetricBits)) | ((long)ordinal << IndexBits) | (uint)i;
        }

        _order.AsSpan(0, points.Length).Sort();
    }

    private void WriteNumberPoint(MetricsBuffer metrics, in DataPoint point)
    {
        var message = _buffer.BeginMessage(DataPoints);
        foreach (var attribute in metrics.GetAttributes(point))
        {
            OtlpCommon.WriteKeyValue(_buffer, NumberAttributes, attribute);
        }

        if (point.Metric.Kind == MetricKind.Sum)
        {
            _buffer.WriteFixed64(NumberStartTime, (ulong)(point.StartTimeUnixNano != 0 ? point.StartTimeUnixNano : metrics.StartTimeUnixNano));
        }

        _buffer.WriteFixed64(NumberTime, (ulong)point.TimeUnixNano);
        if (point.Metric.ValueType == MetricValueType.Int)
        {
            _buffer.WriteFixed64(NumberAsInt, (ulong)point.IntValue);
        }
        else
        {
            _buffer.WriteDouble(NumberAsDouble, point.DoubleValue);
        }

        _buffer.EndMessage(message);
    }

    private void WriteHistogramPoint(MetricsBuffer metrics, in DataPoint point)
    {
        var message = _buffer.BeginMessage(DataPoints);
        foreach (var attribute in metrics.GetAttributes(point))
        {
            OtlpCommon.WriteKeyValue(_buffer, HistogramAttributes, attribute);
        }

        _buffer.WriteFixed64(HistogramStartTime, (ulong)metrics.StartTimeUnixNano);
        _buffer.WriteFixed64(HistogramTime, (ulong)point.TimeUnixNano);
        _buffer.WriteFixed64(HistogramCount, (ulong)point.IntValue);
        _buffer.WriteDouble(HistogramSum, point.DoubleValue);

        var counts = _buffer.BeginMessage(HistogramBucketCounts);
        foreach (var count in metrics.GetBucketCounts(point))
        {
            _buffer.WriteFixed64Value((ulong)count);
        }

        _buffer.EndMessage(counts);
        var bounds = _buffer.BeginMessage(HistogramExplicitBounds);
        foreach (var bound in metrics.GetExplicitBounds(point))
        {
            _buffer.WriteFixed64Value(BitConverter.DoubleToUInt64Bits(bound));
        }

        _buffer.EndMessage(bounds);
        _buffer.EndMessage(message);
    }

    private static uint Temporality(MetricDescriptor metric)
        => metric.Temporality == AggregationTemporality.Delta ? (uint)TemporalityDelta : TemporalityCumulative;
}
