namespace PgMetrics.Metadata.Model;

/// <summary>
/// A metric named from a query, as System.Text.Json's generator names types by <c>TypeRef</c>: a query
/// refers to the metrics it feeds by these, so the model has no cycles and stays equatable. The metric
/// itself is the <see cref="MetricSpec"/> of <see cref="MetadataSpec.Metrics"/> with the same <see cref="Name"/>.
/// </summary>
/// <param name="Name">The metric's name, e.g. <c>postgresql.commits</c>.</param>
/// <param name="PropertyName">The metric's <see cref="MetricSpec.PropertyName"/>.</param>
/// <param name="RecordMethodName">The metric's <see cref="MetricSpec.RecordMethodName"/>.</param>
public sealed record MetricRef(string Name, string PropertyName, string RecordMethodName);
