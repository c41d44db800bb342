namespace PgMetrics.Generator.Model;

/// <summary>What parsing one metadata.yaml produced: a model when it is usable, and the problems found.</summary>
internal sealed record ParseResult(MetadataSpec? Spec, ImmutableEquatableArray<DiagnosticInfo> Diagnostics);
