namespace PgMetrics.Generator.Model;

/// <summary>Everything the emitter needs from one metadata.yaml, free of YAML and Roslyn objects.</summary>
/// <param name="Namespace">The C# namespace of the generated code.</param>
/// <param name="TypePrefix">The PascalCase form of <c>type</c>, prefixed to generated type names.</param>
internal sealed record MetadataSpec(
    string Namespace,
    string Type,
    string TypePrefix,
    ImmutableEquatableArray<AttributeSpec> ResourceAttributes,
    ImmutableEquatableArray<AttributeSpec> Attributes,
    ImmutableEquatableArray<MetricSpec> Metrics,
    ImmutableEquatableArray<QuerySpec> Queries);
