namespace PgMetrics.Runtime.Metrics;

/// <summary>
/// The fixed parts of a metric, as declared in metadata.yaml. Instances are generated, one per
/// metric, and compared by reference. Encoders cache their own encoding of the name, description
/// and unit per descriptor, so the descriptor knows nothing of any wire format.
/// </summary>
public sealed class MetricDescriptor
{
    /// <summary>Creates a descriptor: generated code makes one per metric, self-observability one per instrument.</summary>
    /// <param name="name">The OpenTelemetry metric name, e.g. <c>postgresql.commits</c>.</param>
    /// <param name="description">What the metric measures.</param>
    /// <param name="unit">The UCUM unit, e.g. <c>By</c>, <c>s</c> or <c>{connection}</c>.</param>
    /// <param name="kind">The OTLP data type.</param>
    /// <param name="valueType">Whether points carry integers or doubles.</param>
    /// <param name="isMonotonic">For sums: whether the value only grows until a reset.</param>
    /// <param name="temporality">For sums and histograms: how values aggregate over time, as recorded.</param>
    public MetricDescriptor(string name, string description, string unit, MetricKind kind, MetricValueType valueType, bool isMonotonic, AggregationTemporality temporality = AggregationTemporality.Cumulative)
    {
        Name = name;
        Description = description;
        Unit = unit;
        Kind = kind;
        ValueType = valueType;
        IsMonotonic = isMonotonic;
        Temporality = temporality;
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

    /// <inheritdoc/>
    public override string ToString() => Name;
}
