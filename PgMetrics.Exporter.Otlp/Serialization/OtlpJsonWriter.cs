using System.Buffers;
using System.Globalization;
using System.Text.Json;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Exporter.Otlp.Serialization;

/// <summary>
/// Writes a buffer as OTLP/JSON (the protobuf JSON mapping the OTLP spec defines: camelCase fields,
/// 64-bit integers as strings), for people and tools that read JSON. Shares its layout, scope and
/// temporality decisions with <see cref="OtlpMetricsWriter"/>, so the two encodings cannot drift.
/// </summary>
public sealed class OtlpJsonWriter
{
    /// <summary>
    /// How many bytes the JSON writer may hold before it hands them on: a scrape of 200,000 points is over
    /// 100 MB of JSON, which is written in pieces rather than kept whole.
    /// </summary>
    private const int FlushThresholdBytes = 64 * 1024;

    private readonly OtlpMetricsLayout _layout = new();
    private readonly OtlpEncodingOptions _options;

    /// <summary>Creates a writer.</summary>
    /// <param name="options">Scope and temporality; <see cref="OtlpEncodingOptions.Default"/> when null.</param>
    public OtlpJsonWriter(OtlpEncodingOptions? options = null) => _options = options ?? OtlpEncodingOptions.Default;

    /// <summary>Writes every point of <paramref name="metrics"/> as one <c>ExportMetricsServiceRequest</c> JSON object.</summary>
    /// <param name="metrics">The points.</param>
    /// <param name="output">Receives UTF-8 JSON, in pieces of about 64 KB as it is written.</param>
    /// <param name="indented">Whether to indent for people.</param>
    public void Write(MetricsBuffer metrics, IBufferWriter<byte> output, bool indented = true)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented, SkipValidation = true });
        Write(metrics, json);
    }

    /// <summary>Writes every point of <paramref name="metrics"/> as one <c>ExportMetricsServiceRequest</c> JSON object to a stream.</summary>
    /// <param name="metrics">The points.</param>
    /// <param name="output">Receives UTF-8 JSON, in pieces of about 64 KB, so the whole document is never held in memory.</param>
    /// <param name="indented">Whether to indent for people.</param>
    /// <exception cref="IOException">The stream could not be written.</exception>
    public void Write(MetricsBuffer metrics, Stream output, bool indented = true)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented, SkipValidation = true });
        Write(metrics, json);
    }

    private void Write(MetricsBuffer metrics, Utf8JsonWriter json)
    {
        _layout.Arrange(metrics);
        var groups = _layout.Groups;
        json.WriteStartObject();
        json.WriteStartArray("resourceMetrics");
        var g = 0;
        while (g < groups.Count)
        {
            var resource = groups[g].ResourceIndex;
            json.WriteStartObject();
            json.WriteStartObject("resource");
            WriteAttributes(json, metrics.Resources[resource].AsSpan());
            json.WriteEndObject();
            json.WriteStartArray("scopeMetrics");
            json.WriteStartObject();
            json.WriteStartObject("scope");
            json.WriteString("name", _options.ScopeName);
            json.WriteString("version", _options.ScopeVersion);
            json.WriteEndObject();
            json.WriteStartArray("metrics");
            for (; g < groups.Count && groups[g].ResourceIndex == resource; g++)
            {
                WriteMetric(json, metrics, groups[g]);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteMetric(Utf8JsonWriter json, MetricsBuffer metrics, MetricGroup group)
    {
        var metric = group.Metric;
        json.WriteStartObject();
        json.WriteString("name", metric.Name);
        json.WriteString("description", metric.Description);
        json.WriteString("unit", metric.Unit);
        json.WriteStartObject(metric.Kind switch { MetricKind.Sum => "sum", MetricKind.Gauge => "gauge", _ => "histogram" });
        json.WriteStartArray("dataPoints");
        for (var i = group.Start; i < group.End; i++)
        {
            WritePoint(json, metrics, metrics.Points[_layout.PointAt(i)]);
            if (json.BytesPending > FlushThresholdBytes)
            {
                json.Flush();
            }
        }

        json.WriteEndArray();
        if (metric.Kind != MetricKind.Gauge)
        {
            json.WriteNumber("aggregationTemporality", _options.TemporalityOf(metric) == AggregationTemporality.Delta ? OtlpFieldNumbers.Temporality.Delta : OtlpFieldNumbers.Temporality.Cumulative);
        }

        if (metric.Kind == MetricKind.Sum)
        {
            json.WriteBoolean("isMonotonic", metric.IsMonotonic);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WritePoint(Utf8JsonWriter json, MetricsBuffer metrics, in DataPoint point)
    {
        var metric = point.Metric;
        json.WriteStartObject();
        WriteAttributes(json, metrics.GetAttributes(point));
        if (metric.Kind != MetricKind.Gauge)
        {
            WriteInt64String(json, "startTimeUnixNano"u8, OtlpEncodingOptions.StartTimeOf(metrics, point));
        }

        WriteInt64String(json, "timeUnixNano"u8, point.TimeUnixNano);
        if (metric.Kind == MetricKind.Histogram)
        {
            WriteInt64String(json, "count"u8, point.HistogramCount);
            json.WriteNumber("sum", point.HistogramSum);
            json.WriteStartArray("bucketCounts");
            Span<byte> digits = stackalloc byte[20];
            foreach (var count in metrics.GetBucketCounts(point))
            {
                count.TryFormat(digits, out var length, provider: CultureInfo.InvariantCulture);
                json.WriteStringValue(digits[..length]);
            }

            json.WriteEndArray();
            json.WriteStartArray("explicitBounds");
            foreach (var bound in metrics.GetExplicitBounds(point))
            {
                json.WriteNumberValue(bound);
            }

            json.WriteEndArray();
        }
        else if (metric.ValueType == MetricValueType.Int)
        {
            WriteInt64String(json, "asInt"u8, point.IntValue);
        }
        else
        {
            json.WriteNumber("asDouble", point.DoubleValue);
        }

        json.WriteEndObject();
    }

    private static void WriteAttributes(Utf8JsonWriter json, ReadOnlySpan<KeyValue> attributes)
    {
        json.WriteStartArray("attributes");
        foreach (var attribute in attributes)
        {
            json.WriteStartObject();
            json.WriteString("key", attribute.Key);
            json.WriteStartObject("value");
            switch (attribute.Kind)
            {
                case AttributeValueKind.String: json.WriteString("stringValue", attribute.StringValue); break;
                case AttributeValueKind.Int: WriteInt64String(json, "intValue"u8, attribute.IntValue); break;
                case AttributeValueKind.Double: json.WriteNumber("doubleValue", attribute.DoubleValue); break;
                default: json.WriteBoolean("boolValue", attribute.BoolValue); break;
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>A 64-bit integer as the JSON string the protobuf JSON mapping asks for, formatted without allocating.</summary>
    private static void WriteInt64String(Utf8JsonWriter json, ReadOnlySpan<byte> name, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out var length, provider: CultureInfo.InvariantCulture);
        json.WriteString(name, digits[..length]);
    }
}
