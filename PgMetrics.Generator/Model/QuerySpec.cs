namespace PgMetrics.Generator.Model;

/// <summary>A SQL query that feeds metrics, with its per-version variants, typed columns and what it records.</summary>
/// <param name="ClassName">The C# class generated for the query, e.g. <c>DatabaseStatsQuery</c>.</param>
/// <param name="RowTypeName">The C# row struct generated for the query, e.g. <c>DatabaseStatsRow</c>.</param>
/// <param name="Metrics">The metrics the query feeds, each once, in metadata.yaml order.</param>
/// <param name="Recordings">Every data point a row yields: per metric (in metadata.yaml order), one per source in this query.</param>
internal sealed record QuerySpec(
    string Name,
    string ClassName,
    string RowTypeName,
    QueryScope Scope,
    ImmutableEquatableArray<SqlVariantSpec> Variants,
    ImmutableEquatableArray<ColumnSpec> Columns,
    QueryRequirementsSpec Requirements,
    ImmutableEquatableArray<MetricRef> Metrics,
    ImmutableEquatableArray<RecordingSpec> Recordings);

/// <summary>What a server must have for a query to run: extensions installed in the database and settings with accepted values.</summary>
internal sealed record QueryRequirementsSpec(ImmutableEquatableArray<string> Extensions, ImmutableEquatableArray<SettingRequirementSpec> Settings)
{
    public static QueryRequirementsSpec None { get; } = new(ImmutableEquatableArray<string>.Empty, ImmutableEquatableArray<SettingRequirementSpec>.Empty);

    public bool IsEmpty => Extensions.Count == 0 && Settings.Count == 0;
}

/// <summary>A server setting that must have one of the accepted values, e.g. <c>track_functions</c> in <c>[pl, all]</c>.</summary>
internal sealed record SettingRequirementSpec(string Name, ImmutableEquatableArray<string> AcceptedValues);

/// <summary>SQL text valid for servers with <c>server_version_num</c> in [MinVersion, MaxVersion].</summary>
internal sealed record SqlVariantSpec(int MinVersion, int? MaxVersion, string Sql);

/// <summary>A column of a query's result, in select-list order.</summary>
/// <param name="Ordinal">The column's zero-based position in the select list.</param>
/// <param name="PropertyName">The PascalCase C# name of the row struct's field.</param>
/// <param name="VariableName">The camelCase C# name that locals read from this column start with.</param>
/// <param name="ResourceAttribute">The resource attribute this column's value sets, if any.</param>
/// <param name="Attribute">The data point attribute this column's value sets, if any.</param>
internal sealed record ColumnSpec(
    string Name,
    int Ordinal,
    AttributeType Type,
    string PropertyName,
    string VariableName,
    AttributeSpec? ResourceAttribute,
    AttributeSpec? Attribute);

/// <summary>
/// One <c>source</c> of a metric: a data point recorded per row from <see cref="ValueColumn"/>, with each
/// of the metric's attributes taken from a column or fixed by the source.
/// </summary>
internal sealed record RecordingSpec(MetricRef Metric, ColumnSpec ValueColumn, ImmutableEquatableArray<AttributeValueSpec> Attributes);

/// <summary>Where a recording takes one attribute's value: a column of the row, or a value the source fixes.</summary>
/// <param name="Column">The column read for the value; null when the source fixes it.</param>
/// <param name="FixedValue">The value the source fixes, as written in metadata.yaml; null when a column gives it.</param>
/// <param name="FixedEnumValue">The fixed value as a declared value of an enum attribute; null otherwise.</param>
internal sealed record AttributeValueSpec(AttributeSpec Attribute, ColumnSpec? Column, string? FixedValue, EnumValueSpec? FixedEnumValue);
