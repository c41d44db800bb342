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
    private readonly OtlpMetricsLayout _layout = new();
    private readonly OtlpEncodingOptions _options;

    /// <summary>Creates a writer.</summary>
    /// <param name="options">Scope and temporality; <see cref="OtlpEncodingOptions.Default"/> when null.</param>
    public OtlpJsonWriter(OtlpEncodingOptions? options = null) => _options = options ?? OtlpEncodingOptions.Default;

    /// <summary>Writes every point of <paramref name="metrics"/> as one <c>ExportMetricsServiceRequest</c> JSON object.</summary>
    /// <param name="metrics">The points.</param>
    /// <param name="output">Receives UTF-8 JSON.</param>
    /// <param name="indented">Whether to indent for people.</param>
    public void Write(MetricsBuffer metrics, IBufferWriter<byte> output, bool indented = true)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented });
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
            WriteAttributes(json, metrics.Resources[resource]);
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
        WriteAttributes(json, metrics.GetAttributes(point).ToArray());
        if (metric.Kind != MetricKind.Gauge)
        {
            json.WriteString("startTimeUnixNano", Text(OtlpEncodingOptions.StartTimeOf(metrics, point)));
        }

        json.WriteString("timeUnixNano", Text(point.TimeUnixNano));
        if (metric.Kind == MetricKind.Histogram)
        {
            json.WriteString("count", Text(point.HistogramCount));
            json.WriteNumber("sum", point.HistogramSum);
            json.WriteStartArray("bucketCounts");
            foreach (var count in metrics.GetBucketCounts(point))
            {
                json.WriteStringValue(Text(count));
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
            json.WriteString("asInt", Text(point.IntValue));
        }
        else
        {
            json.WriteNumber("asDouble", point.DoubleValue);
        }

        json.WriteEndObject();
    }

    private static void WriteAttributes(Utf8JsonWriter json, IReadOnlyList<KeyValue> attributes)
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
                case AttributeValueKind.Int: json.WriteString("intValue", Text(attribute.IntValue)); break;
                case AttributeValueKind.Double: json.WriteNumber("doubleValue", attribute.DoubleValue); break;
                default: json.WriteBoolean("boolValue", attribute.BoolValue); break;
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
