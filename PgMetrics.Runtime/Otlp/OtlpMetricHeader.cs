namespace PgMetrics.Runtime.Otlp;

/// <summary>
/// Fields 1–3 (name, description, unit) of the OTLP <c>opentelemetry.proto.metrics.v1.Metric</c> message,
/// encoded once per metric so each export copies bytes instead of encoding the same strings again.
/// </summary>
internal static class OtlpMetricHeader
{
    private const int MetricName = 1;
    private const int MetricDescription = 2;
    private const int MetricUnit = 3;

    public static byte[] Encode(string name, string description, string unit)
    {
        var buffer = new ProtobufBuffer(initialCapacity: 64 + name.Length + description.Length + unit.Length);
        buffer.WriteString(MetricName, name);
        buffer.WriteString(MetricDescription, description);
        buffer.WriteString(MetricUnit, unit);
        return buffer.WrittenSpan.ToArray();
    }
}
