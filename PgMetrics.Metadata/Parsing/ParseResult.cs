using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Metadata.Parsing;

/// <summary>What parsing one metadata.yaml produced: the model when the file has no mistakes, and every mistake found.</summary>
/// <param name="Spec">The validated model; null when <see cref="Diagnostics"/> is not empty.</param>
/// <param name="Diagnostics">Every mistake, each with its id and position, in the order they were found.</param>
public sealed record ParseResult(MetadataSpec? Spec, ImmutableEquatableArray<DiagnosticInfo> Diagnostics);
