namespace PgMetrics.Generator.Model;

/// <summary>One metric of metadata.yaml, after validation.</summary>
internal sealed record MetricSpec(
    string Name,
    string Description,
    string Unit,
    bool Enabled,
    MetricKind Kind,
    NumberType ValueType,
    bool Monotonic,
    Temporality Temporality,
    ImmutableEquatableArray<string> AttributeKeys,
    ImmutableEquatableArray<MetricSourceSpec> Sources);

/// <summary>
/// Where a metric's values come from: a column of a query, and attribute values fixed for that
/// column (one metric can read several columns, e.g. heap and index block reads as <c>source</c>).
/// </summary>
internal sealed record MetricSourceSpec(string Query, string Column, ImmutableEquatableArray<FixedAttributeSpec> FixedAttributes);

/// <summary>An attribute whose value is fixed by the source rather than read from a column.</summary>
internal sealed record FixedAttributeSpec(string Key, string Value);
