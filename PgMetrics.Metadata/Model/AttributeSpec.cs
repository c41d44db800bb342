namespace PgMetrics.Metadata.Model;

/// <summary>A resource attribute or a data point attribute declared in metadata.yaml, with its C# names.</summary>
/// <param name="Key">The YAML key, by which metrics and columns refer to the attribute.</param>
/// <param name="Name">The attribute name sent over OTLP: <c>name_override</c> when set, else the key.</param>
/// <param name="Description">What the attribute says, from <c>description</c>.</param>
/// <param name="Type">The type of the attribute's values.</param>
/// <param name="Enabled">For a resource attribute, whether it is sent by default (<c>enabled</c>); always true for a data point attribute.</param>
/// <param name="EnumValues">The declared values of a string attribute (<c>enum</c>), empty when any text is allowed.</param>
/// <param name="PropertyName">The PascalCase C# name: the attribute-name constant and the config property.</param>
/// <param name="ParameterName">The camelCase C# name of a builder parameter, escaped with <c>@</c> when it is a keyword.</param>
/// <param name="EnumTypeName">The C# enum generated for <see cref="EnumValues"/>, e.g. <c>AttributeState</c>; null when there are none.</param>
public sealed record AttributeSpec(
    string Key,
    string Name,
    string Description,
    AttributeType Type,
    bool Enabled,
    ImmutableEquatableArray<EnumValueSpec> EnumValues,
    string PropertyName,
    string ParameterName,
    string? EnumTypeName)
{
    /// <summary>Whether the attribute only takes the values metadata.yaml declares.</summary>
    public bool IsEnum => EnumValues.Count > 0;
}
