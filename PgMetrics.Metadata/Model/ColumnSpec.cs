namespace PgMetrics.Metadata.Model;

/// <summary>A column of a query's result, in select-list order.</summary>
/// <param name="Name">The column name, as PostgreSQL returns it.</param>
/// <param name="Ordinal">The column's zero-based position in the select list.</param>
/// <param name="Type">The type the column is read as.</param>
/// <param name="PropertyName">The PascalCase C# name of the row struct's field.</param>
/// <param name="VariableName">The camelCase C# name that locals read from this column start with.</param>
/// <param name="ResourceAttribute">The resource attribute this column's value sets, if any.</param>
/// <param name="Attribute">The data point attribute this column's value sets, if any.</param>
public sealed record ColumnSpec(
    string Name,
    int Ordinal,
    AttributeType Type,
    string PropertyName,
    string VariableName,
    AttributeSpec? ResourceAttribute,
    AttributeSpec? Attribute);
