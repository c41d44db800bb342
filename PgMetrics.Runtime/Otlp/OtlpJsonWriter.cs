using System.Buffers;
using System.Globalization;
using System.Text.Json;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Otlp;

/// <summary>
/// Writes a buffer as OTLP/JSON (the protobuf JSON mapping the OTLP spec defines: camelCase
/// fields, 64-bit integers as strings), for people and tools that read JSON.
/// </summary>
public static class OtlpJsonWriter
{
    public static void Write(MetricsBuffer metrics, IBufferWriter<byte> output, bool indented = true)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented });
        json.WriteStartObject();
        json.WriteStartArray("resourceMetrics");
        var points = metrics.Points.ToArray();
        foreach (var resource in points.GroupBy(p => p.ResourceIndex))
        {
            json.WriteStartObject();
            json.WriteStartObject("resource");
            WriteAttributes(json, metrics.Resources[resource.Key]);
            json.WriteEndObject();
            json.WriteStartArray("scopeMetrics");
            json.WriteStartObject();
            json.WriteStartObject("scope");
            json.WriteString("name", "pgmetrics");
            json.WriteString("version", OtlpCommon.ScopeVersion);
            json.WriteEndObject();
            json.WriteStartArray("metrics");
            foreach (var metric in resource.GroupBy(p => p.Metric))
            {
                WriteMetric(json, metrics, metric.Key, metric);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteMetric(Utf8JsonWriter json, MetricsBuffer metrics, MetricDescriptor metric, IEnumerable<DataPoint> points)
    {
        json.WriteStartObject();
        json.WriteString("name", metric.Name);
        json.WriteString("description", metric.Description);
        json.WriteString("unit", metric.Unit);
        json.WriteStartObject(metric.Kind switch { MetricKind.Sum => "sum", MetricKind.Gauge => "gauge", _ => "histogram" });
        json.WriteStartArray("dataPoints");
        foreach (var point in points)
        {
            json.WriteStartObject();
            WriteAttributes(json, metrics.GetAttributes(point).ToArray());
            if (metric.Kind != MetricKind.Gauge)
            {
                json.WriteString("startTimeUnixNano", Text(point.StartTimeUnixNano != 0 ? point.StartTimeUnixNano : metrics.StartTimeUnixNano));
            }

            json.WriteString("timeUnixNano", Text(point.TimeUnixNano));
            if (metric.Kind == MetricKind.Histogram)
            {
                json.WriteString("count", Text(point.IntValue));
                json.WriteNumber("sum", point.DoubleValue);
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

        json.WriteEndArray();
        if (metric.Kind != MetricKind.Gauge)
        {
            json.WriteNumber("aggregationTemporality", metric.IsMonotonic && metrics.MonotonicSumsAreDeltas || metric.Temporality == AggregationTemporality.Delta ? 1 : 2);
        }

        if (metric.Kind == MetricKind.Sum)
        {
            json.WriteBoolean("isMonotonic", metric.IsMonotonic);
        }

        json.WriteEndObject();
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
