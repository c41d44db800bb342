using System.Buffers;
using PgMetrics.Runtime.Metrics;
using Fields = PgMetrics.Exporter.Otlp.Serialization.OtlpFieldNumbers;

namespace PgMetrics.Exporter.Otlp.Serialization;

/// <summary>
/// Encodes a <see cref="MetricsBuffer"/> as an OTLP <c>ExportMetricsServiceRequest</c> (protobuf), in
/// one pass into a reused buffer: points grouped by resource, then by metric. Each metric's name,
/// description and unit are encoded once per writer and copied afterwards. Serialization only; sending
/// is the exporter's job. Not thread-safe: one write at a time.
/// </summary>
public sealed class OtlpMetricsWriter
{
    private readonly ProtobufBuffer _buffer = new();
    private readonly OtlpMetricsLayout _layout = new();
    private readonly Dictionary<MetricDescriptor, byte[]> _headers = new(ReferenceEqualityComparer.Instance);
    private readonly OtlpEncodingOptions _options;

    /// <summary>Creates a writer.</summary>
    /// <param name="options">Scope and temporality; <see cref="OtlpEncodingOptions.Default"/> when null.</param>
    public OtlpMetricsWriter(OtlpEncodingOptions? options = null) => _options = options ?? OtlpEncodingOptions.Default;

    /// <summary>Encodes every point of <paramref name="metrics"/> into <paramref name="output"/>.</summary>
    /// <returns>The bytes written.</returns>
    public int Write(MetricsBuffer metrics, IBufferWriter<byte> output)
    {
        _buffer.Clear();
        _layout.Arrange(metrics);
        var points = metrics.Points;
        var groups = _layout.Groups;
        var g = 0;
        while (g < groups.Count)
        {
            var resource = groups[g].ResourceIndex;
            var resourceMetrics = _buffer.BeginMessage(Fields.ExportRequest.ResourceMetrics);
            OtlpCommon.WriteResource(_buffer, metrics.Resources[resource]);
            var scopeMetrics = _buffer.BeginMessage(Fields.ResourceData.ScopeData);
            OtlpCommon.WriteScope(_buffer, _options.ScopeName, _options.ScopeVersion);
            for (; g < groups.Count && groups[g].ResourceIndex == resource; g++)
            {
                WriteMetric(metrics, points, groups[g]);
            }

            _buffer.EndMessage(scopeMetrics);
            _buffer.EndMessage(resourceMetrics);
        }

        output.Write(_buffer.WrittenSpan);
        return _buffer.Length;
    }

    /// <summary>The bytes and point count of one request, valid only during the call.</summary>
    public delegate void RequestHandler(ReadOnlySpan<byte> request, int points);

    /// <summary>
    /// Encodes every point of <paramref name="metrics"/> as requests of at most about
    /// <paramref name="maxRequestBytes"/>, cut between resources: an export request is a list of
    /// resources, so each prefix of whole resources is a valid request. Only one request's bytes (plus the
    /// resource that did not fit) are held at a time, rather than the whole scrape: with every table of
    /// 10,000 collected, a scrape is over 20 MB encoded. A single resource larger than the limit is handed
    /// on whole, for the caller to split further.
    /// </summary>
    /// <param name="metrics">The points.</param>
    /// <param name="maxRequestBytes">The size a request should stay under, in bytes.</param>
    /// <param name="request">Receives each request in order with its number of data points.</param>
    public void Write(MetricsBuffer metrics, int maxRequestBytes, RequestHandler request)
    {
        _buffer.Clear();
        _layout.Arrange(metrics);
        var points = metrics.Points;
        var groups = _layout.Groups;
        var g = 0;
        var complete = 0;
        var completePoints = 0;
        while (g < groups.Count)
        {
            var resource = groups[g].ResourceIndex;
            var resourcePoints = 0;
            var resourceMetrics = _buffer.BeginMessage(Fields.ExportRequest.ResourceMetrics);
            OtlpCommon.WriteResource(_buffer, metrics.Resources[resource]);
            var scopeMetrics = _buffer.BeginMessage(Fields.ResourceData.ScopeData);
            OtlpCommon.WriteScope(_buffer, _options.ScopeName, _options.ScopeVersion);
            for (; g < groups.Count && groups[g].ResourceIndex == resource; g++)
            {
                WriteMetric(metrics, points, groups[g]);
                resourcePoints += groups[g].End - groups[g].Start;
            }

            _buffer.EndMessage(scopeMetrics);
            _buffer.EndMessage(resourceMetrics);
            if (_buffer.Length > maxRequestBytes && complete > 0)
            {
                // This resource went over the limit: send the ones before it, keep it for the next request.
                request(_buffer.WrittenSpan[..complete], completePoints);
                _buffer.RemovePrefix(complete);
                completePoints = 0;
            }

            complete = _buffer.Length;
            completePoints += resourcePoints;
        }

        if (complete > 0)
        {
            request(_buffer.WrittenSpan, completePoints);
        }
    }

    private void WriteMetric(MetricsBuffer metrics, ReadOnlySpan<DataPoint> points, MetricGroup group)
    {
        var metric = group.Metric;
        var metricMessage = _buffer.BeginMessage(Fields.ScopeData.Items);
        _buffer.WriteRaw(Header(metric));
        var data = _buffer.BeginMessage(metric.Kind switch { MetricKind.Sum => Fields.Metric.Sum, MetricKind.Gauge => Fields.Metric.Gauge, _ => Fields.Metric.Histogram });
        for (var i = group.Start; i < group.End; i++)
        {
            ref readonly var point = ref points[_layout.PointAt(i)];
            if (metric.Kind == MetricKind.Histogram)
            {
                WriteHistogramPoint(metrics, point);
            }
            else
            {
                WriteNumberPoint(metrics, point);
            }
        }

        if (metric.Kind != MetricKind.Gauge)
        {
            _buffer.WriteTag(Fields.MetricData.AggregationTemporality, WireType.Varint);
            _buffer.WriteVarint(_options.TemporalityOf(metric) == AggregationTemporality.Delta ? (uint)Fields.Temporality.Delta : Fields.Temporality.Cumulative);
        }

        if (metric.Kind == MetricKind.Sum)
        {
            _buffer.WriteTag(Fields.MetricData.IsMonotonic, WireType.Varint);
            _buffer.WriteVarint(metric.IsMonotonic ? 1u : 0u);
        }

        _buffer.EndMessage(data);
        _buffer.EndMessage(metricMessage);
    }

    private void WriteNumberPoint(MetricsBuffer metrics, in DataPoint point)
    {
        var message = _buffer.BeginMessage(Fields.MetricData.DataPoints);
        foreach (var attribute in metrics.GetAttributes(point))
        {
            OtlpCommon.WriteKeyValue(_buffer, Fields.NumberDataPoint.Attributes, attribute);
        }

        if (point.Metric.Kind == MetricKind.Sum)
        {
            _buffer.WriteFixed64(Fields.NumberDataPoint.StartTimeUnixNano, (ulong)OtlpEncodingOptions.StartTimeOf(metrics, point));
        }

        _buffer.WriteFixed64(Fields.NumberDataPoint.TimeUnixNano, (ulong)point.TimeUnixNano);
        if (point.Metric.ValueType == MetricValueType.Int)
        {
            _buffer.WriteFixed64(Fields.NumberDataPoint.AsInt, (ulong)point.IntValue);
        }
        else
        {
            _buffer.WriteDouble(Fields.NumberDataPoint.AsDouble, point.DoubleValue);
        }

        _buffer.EndMessage(message);
    }

    private void WriteHistogramPoint(MetricsBuffer metrics, in DataPoint point)
    {
        var message = _buffer.BeginMessage(Fields.MetricData.DataPoints);
        foreach (var attribute in metrics.GetAttributes(point))
        {
            OtlpCommon.WriteKeyValue(_buffer, Fields.HistogramDataPoint.Attributes, attribute);
        }

        _buffer.WriteFixed64(Fields.HistogramDataPoint.StartTimeUnixNano, (ulong)OtlpEncodingOptions.StartTimeOf(metrics, point));
        _buffer.WriteFixed64(Fields.HistogramDataPoint.TimeUnixNano, (ulong)point.TimeUnixNano);
        _buffer.WriteFixed64(Fields.HistogramDataPoint.Count, (ulong)point.HistogramCount);
        _buffer.WriteDouble(Fields.HistogramDataPoint.Sum, point.HistogramSum);
        var counts = _buffer.BeginMessage(Fields.HistogramDataPoint.BucketCounts);
        foreach (var count in metrics.GetBucketCounts(point))
        {
            _buffer.WriteFixed64Value((ulong)count);
        }

        _buffer.EndMessage(counts);
        var bounds = _buffer.BeginMessage(Fields.HistogramDataPoint.ExplicitBounds);
        foreach (var bound in metrics.GetExplicitBounds(point))
        {
            _buffer.WriteFixed64Value(BitConverter.DoubleToUInt64Bits(bound));
        }

        _buffer.EndMessage(bounds);
        _buffer.EndMessage(message);
    }

    /// <summary>Fields 1–3 (name, description, unit) of the metric's OTLP <c>Metric</c> message, encoded on first use.</summary>
    private ReadOnlySpan<byte> Header(MetricDescriptor metric)
    {
        if (!_headers.TryGetValue(metric, out var header))
        {
            var encoded = new ProtobufBuffer(64 + metric.Name.Length + metric.Description.Length + metric.Unit.Length);
            encoded.WriteString(Fields.Metric.Name, metric.Name);
            encoded.WriteString(Fields.Metric.Description, metric.Description);
            encoded.WriteString(Fields.Metric.Unit, metric.Unit);
            header = encoded.WrittenSpan.ToArray();
            _headers[metric] = header;
        }

        return header;
    }
}
