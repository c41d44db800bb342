namespace PgMetrics.Metadata.Model;

/// <summary>
/// One <c>source</c> of a metric: a data point recorded per row from <see cref="ValueColumn"/>, with each
/// of the metric's attributes taken from a column or fixed by the source.
/// </summary>
/// <param name="Metric">The metric recorded.</param>
/// <param name="ValueColumn">The column whose value is the data point's value; a null value records nothing.</param>
/// <param name="Attributes">Where each of the metric's attributes comes from, in the metric's attribute order.</param>
public sealed record RecordingSpec(MetricRef Metric, ColumnSpec ValueColumn, ImmutableEquatableArray<AttributeValueSpec> Attributes);

/// <summary>Where a recording takes one attribute's value: a column of the row, or a value the source fixes.</summary>
/// <param name="Attribute">The attribute.</param>
/// <param name="Column">The column read for the value; null when the source fixes it. A null in the column records nothing.</param>
/// <param name="FixedValue">The value the source fixes, as written in metadata.yaml and checked against the attribute's type; null when a column gives it.</param>
/// <param name="FixedEnumValue">The fixed value as a declared value of an enum attribute; null otherwise.</param>
public sealed record AttributeValueSpec(AttributeSpec Attribute, ColumnSpec? Column, string? FixedValue, EnumValueSpec? FixedEnumValue);
