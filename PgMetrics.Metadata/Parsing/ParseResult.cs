using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Metadata.Parsing;

/// <summary>What parsing one metadata.yaml produced: the model when the file has no mistakes, every mistake found, and where its names are declared.</summary>
/// <param name="Spec">The validated model; null when <see cref="Diagnostics"/> is not empty.</param>
/// <param name="Diagnostics">Every mistake, each with its id and position, in the order they were found.</param>
public sealed record ParseResult(MetadataSpec? Spec, ImmutableEquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>Where each metric and query is declared, for messages that name a place the model does not keep; empty when the file is not YAML.</summary>
    public MetadataLocations Locations { get; init; } = MetadataLocations.Empty;
}
