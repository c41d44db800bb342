namespace PgMetrics.Metadata.Model;

/// <summary>
/// One metadata.yaml after validation, with every reference resolved: free of YAML and compiler
/// objects and compared by value, so the source generator can cache on it and a run-time reader
/// can interpret it. <see cref="Parsing.MetadataParser.Parse"/> returns one only for a file without mistakes.
/// </summary>
/// <param name="Type">The file's <c>type</c>, e.g. <c>postgresql</c>.</param>
/// <param name="TypePrefix">The PascalCase form of <see cref="Type"/>, prefixed to generated C# type names, e.g. <c>Postgresql</c>.</param>
/// <param name="ResourceAttributes">The <c>resource_attributes</c>, in file order.</param>
/// <param name="Attributes">The data point <c>attributes</c>, in file order.</param>
/// <param name="Metrics">The <c>metrics</c>, in file order.</param>
/// <param name="Queries">The <c>queries</c>, in file order.</param>
public sealed record MetadataSpec(
    string Type,
    string TypePrefix,
    ImmutableEquatableArray<AttributeSpec> ResourceAttributes,
    ImmutableEquatableArray<AttributeSpec> Attributes,
    ImmutableEquatableArray<MetricSpec> Metrics,
    ImmutableEquatableArray<QuerySpec> Queries);
