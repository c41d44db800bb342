using PgMetrics.Metadata.Diagnostics;
using PgMetrics.Metadata.Model;

namespace PgMetrics.Metadata.Parsing;

/// <summary>
/// Where a file declares each metric and query: the span of its key. Kept beside the
/// <see cref="MetadataSpec"/> rather than in it, so the model stays free of positions and a line moved in
/// metadata.yaml leaves the generator's cached model, and the code emitted from it, untouched. A reader
/// that combines several files (the collector's <c>metadata_files</c>) uses it to name both places of a clash.
/// </summary>
/// <param name="Metrics">Each metric's name and the span of its key under <c>metrics</c>, in file order.</param>
/// <param name="Queries">Each query's name and the span of its key under <c>queries</c>, in file order.</param>
public sealed record MetadataLocations(ImmutableEquatableArray<NameLocation> Metrics, ImmutableEquatableArray<NameLocation> Queries)
{
    /// <summary>No locations: what a file that could not be read has.</summary>
    public static MetadataLocations Empty { get; } = new(ImmutableEquatableArray<NameLocation>.Empty, ImmutableEquatableArray<NameLocation>.Empty);

    /// <summary>The span of the first key <paramref name="name"/> under <c>metrics</c>, or null when the file declares no such metric.</summary>
    public SourceSpan? FindMetric(string name) => Find(Metrics, name);

    /// <summary>The span of the first key <paramref name="name"/> under <c>queries</c>, or null when the file declares no such query.</summary>
    public SourceSpan? FindQuery(string name) => Find(Queries, name);

    private static SourceSpan? Find(ImmutableEquatableArray<NameLocation> locations, string name)
    {
        foreach (var location in locations)
        {
            if (location.Name == name)
            {
                return location.Span;
            }
        }

        return null;
    }
}

/// <summary>A name declared in metadata.yaml and the span of its key.</summary>
/// <param name="Name">The key, e.g. <c>shop.orders</c>.</param>
/// <param name="Span">Where the key is written.</param>
public readonly record struct NameLocation(string Name, SourceSpan Span);
