namespace PgMetrics.Generator.Model;

/// <summary>A SQL query that feeds metrics, with its per-version variants and typed columns.</summary>
internal sealed record QuerySpec(
    string Name,
    QueryScope Scope,
    ImmutableEquatableArray<SqlVariantSpec> Variants,
    ImmutableEquatableArray<ColumnSpec> Columns);

/// <summary>SQL text valid for servers with <c>server_version_num</c> in [MinVersion, MaxVersion].</summary>
internal sealed record SqlVariantSpec(int MinVersion, int? MaxVersion, string Sql);

/// <summary>A column of a query's result, in select-list order.</summary>
/// <param name="ResourceAttribute">The resource attribute key this column's value sets, if any.</param>
/// <param name="Attribute">The data point attribute key this column's value sets, if any.</param>
internal sealed record ColumnSpec(string Name, AttributeType Type, string? ResourceAttribute, string? Attribute);
