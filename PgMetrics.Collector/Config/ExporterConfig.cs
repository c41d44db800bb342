namespace PgMetrics.Collector.Config;

/// <summary>One <c>exporters:</c> block: <c>newrelic</c>, <c>otlp</c> or <c>console</c> (each may carry a <c>/name</c>).</summary>
public sealed record ExporterConfig
{
    public required string Name { get; init; }

    /// <summary><c>newrelic</c>, <c>otlp</c> or <c>console</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>US, EU or FedRAMP (newrelic).</summary>
    public string Region { get; init; } = "US";

    public string? Endpoint { get; init; }

    /// <summary>The license key (newrelic); NEW_RELIC_LICENSE_KEY when not set.</summary>
    public string? ApiKey { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public string Compression { get; init; } = "gzip";

    /// <summary>delta or cumulative; default delta for newrelic.</summary>
    public string? Temporality { get; init; }

    public string? SpoolDirectory { get; init; }

    public int MaxQueueMegabytes { get; init; } = 64;

    /// <summary><c>cardinality: {max_series_per_metric, max_series_total}</c>.</summary>
    public Runtime.Cardinality.CardinalityOptions Cardinality { get; init; } = new();
}
