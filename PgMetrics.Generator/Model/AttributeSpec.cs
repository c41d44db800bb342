namespace PgMetrics.Generator.Model;

/// <summary>A resource attribute or a data point attribute declared in metadata.yaml.</summary>
/// <param name="Key">The YAML key, used to refer to the attribute from metrics and columns.</param>
/// <param name="Name">The attribute name sent over OTLP (<c>name_override</c> when set, else the key).</param>
internal sealed record AttributeSpec(
    string Key,
    string Name,
    string Description,
    AttributeType Type,
    bool Enabled,
    ImmutableEquatableArray<string> EnumValues);
