namespace PgMetrics.Generator.Model;

/// <summary>A SQL query that feeds metrics, with its per-version variants and typed columns.</summary>
internal sealed record QuerySpec(
    string Name,
    QueryScope Scope,
    ImmutableEquatableArray<SqlVariantSpec> Variants,
    ImmutableEquatableArray<ColumnSpec> Columns,
    QueryRequirementsSpec Requirements);

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
/// <param name="ResourceAttribute">The resource attribute key this column's value sets, if any.</param>
/// <param name="Attribute">The data point attribute key this column's value sets, if any.</param>
internal sealed record ColumnSpec(string Name, AttributeType Type, string? ResourceAttribute, string? Attribute);
