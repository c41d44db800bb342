namespace PgMetrics.Generator.Model;

/// <summary>A resource attribute or a data point attribute declared in metadata.yaml, with its C# names.</summary>
/// <param name="Key">The YAML key, used to refer to the attribute from metrics and columns.</param>
/// <param name="Name">The attribute name sent over OTLP (<c>name_override</c> when set, else the key).</param>
/// <param name="EnumValues">The declared values of a string attribute, empty when any text is allowed.</param>
/// <param name="PropertyName">The PascalCase C# name: the attribute-name constant and the config property.</param>
/// <param name="ParameterName">The camelCase C# name of a builder parameter, escaped when it is a keyword.</param>
/// <param name="EnumTypeName">The C# enum generated for <see cref="EnumValues"/>, e.g. <c>AttributeState</c>; null when none.</param>
internal sealed record AttributeSpec(
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

/// <summary>One declared value of an enum attribute and the C# enum member that stands for it.</summary>
internal sealed record EnumValueSpec(string Value, string MemberName);
