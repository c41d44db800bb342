namespace PgMetrics.Metadata.Model;

/// <summary>One metric of metadata.yaml, after validation, with its references resolved and its C# names.</summary>
/// <param name="Name">The OpenTelemetry metric name, e.g. <c>postgresql.commits</c>.</param>
/// <param name="Description">What the metric measures.</param>
/// <param name="Unit">The UCUM unit, e.g. <c>By</c>, <c>s</c> or <c>{connection}</c>.</param>
/// <param name="Enabled">Whether the metric is collected by default.</param>
/// <param name="Kind">Gauge, sum or histogram.</param>
/// <param name="ValueType">Whether the values are integers or doubles.</param>
/// <param name="Monotonic">For a sum: whether it only grows until a reset; false otherwise.</param>
/// <param name="Temporality">For a sum: how its values aggregate over time; cumulative otherwise.</param>
/// <param name="Attributes">The metric's data point attributes, in the order metadata.yaml lists them.</param>
/// <param name="SourceQueries">The queries whose rows the metric is recorded from, each once, in source order; empty when code records it.</param>
/// <param name="PropertyName">The PascalCase C# name of the metric's descriptor and config property.</param>
/// <param name="RecordMethodName">The generated builder method that records a data point, e.g. <c>RecordPostgresqlCommitsDataPoint</c>.</param>
public sealed record MetricSpec(
    string Name,
    string Description,
    string Unit,
    bool Enabled,
    MetricKind Kind,
    NumberType ValueType,
    bool Monotonic,
    Temporality Temporality,
    ImmutableEquatableArray<AttributeSpec> Attributes,
    ImmutableEquatableArray<QuerySpec> SourceQueries,
    string PropertyName,
    string RecordMethodName);
