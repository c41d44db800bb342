namespace PgMetrics.Generator.Model;

/// <summary>One metric of metadata.yaml, after validation, with its references resolved and its C# names.</summary>
/// <param name="Attributes">The metric's data point attributes, in the order metadata.yaml lists them.</param>
/// <param name="SourceQueries">The queries whose rows the metric is recorded from, each once, in source order; empty when code records it.</param>
/// <param name="PropertyName">The PascalCase C# name of the metric's descriptor and config property.</param>
/// <param name="RecordMethodName">The builder method that records a data point, e.g. <c>RecordPostgresqlCommitsDataPoint</c>.</param>
internal sealed record MetricSpec(
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

/// <summary>
/// A metric named from a query, as System.Text.Json's generator names types by <c>TypeRef</c>: a
/// query refers to the metrics it feeds by these, so the model has no cycles and stays equatable.
/// </summary>
internal sealed record MetricRef(string Name, string PropertyName, string RecordMethodName);
