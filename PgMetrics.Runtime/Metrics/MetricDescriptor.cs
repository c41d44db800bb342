namespace PgMetrics.Runtime.Metrics;

/// <summary>
/// The fixed parts of a metric, as declared in metadata.yaml. Instances are generated, one per
/// metric, and compared by reference.
/// </summary>
public sealed class MetricDescriptor
{
    /// <summary>Creates a descriptor; called by generated code.</summary>
    /// <param name="otlpHeader">The metric's name, description and unit already encoded as OTLP protobuf fields.</param>
    public MetricDescriptor(string name, string description, string unit, MetricKind kind, MetricValueType valueType, bool isMonotonic, AggregationTemporality temporality, byte[] otlpHeader)
    {
        Name = name;
        Description = description;
        Unit = unit;
        Kind = kind;
        ValueType = valueType;
        IsMonotonic = isMonotonic;
        Temporality = temporality;
        OtlpHeader = otlpHeader;
    }

    /// <summary>The OpenTelemetry metric name, e.g. <c>postgresql.commits</c>.</summary>
    public string Name { get; }

    /// <summary>What the metric measures.</summary>
    public string Description { get; }

    /// <summary>The UCUM unit, e.g. <c>By</c> or <c>1</c>.</summary>
    public string Unit { get; }

    /// <summary>The OTLP data type.</summary>
    public MetricKind Kind { get; }

    /// <summary>Whether points carry integers or doubles.</summary>
    public MetricValueType ValueType { get; }

    /// <summary>For sums: whether the value only ever grows (until a reset).</summary>
    public bool IsMonotonic { get; }

    /// <summary>For sums: how the values are aggregated over time.</summary>
    public AggregationTemporality Temporality { get; }

    /// <summary>Fields 1–3 (name, description, unit) of the OTLP <c>Metric</c> message, pre-encoded.</summary>
    public ReadOnlyMemory<byte> OtlpHeader { get; }

    /// <summary>
    /// A descriptor made at run time (self-observability instruments), with its OTLP header encoded
    /// here instead of by the generator.
    /// </summary>
    public static MetricDescriptor Create(string name, string description, string unit, MetricKind kind, MetricValueType valueType, bool isMonotonic)
    {
        var header = new Otlp.ProtobufBuffer();
        header.WriteString(1, name);
        header.WriteString(2, description);
        header.WriteString(3, unit);
        return new MetricDescriptor(name, description, unit, kind, valueType, isMonotonic, AggregationTemporality.Cumulative, header.WrittenSpan.ToArray());
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
