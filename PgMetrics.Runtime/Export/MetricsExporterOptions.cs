using PgMetrics.Runtime.Resilience;

namespace PgMetrics.Runtime.Export;

/// <summary>How the metrics exporter batches, bounds and sends.</summary>
public sealed record MetricsExporterOptions
{
    /// <summary>The exporter's config name, used in self-metrics and logs.</summary>
    public string Name { get; init; } = "otlp";

    /// <summary>New Relic refuses OTLP payloads over 1,000,000 bytes.</summary>
    public const int NewRelicPayloadLimit = 1_000_000;

    /// <summary>The largest request body, before compression, so the compressed body is within it too.</summary>
    public int MaxRequestBytes { get; init; } = NewRelicPayloadLimit;

    /// <summary>How long scraped data may wait to be joined with later scrapes into one request; zero sends each scrape at once.</summary>
    public TimeSpan MaxBatchAge { get; init; } = TimeSpan.Zero;

    /// <summary>The most bytes waiting in the queue (or spool); beyond it the oldest requests are dropped and counted.</summary>
    public long MaxQueueBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Send monotonic sums as deltas (New Relic's preference) instead of cumulative values.</summary>
    public bool DeltaTemporality { get; init; }

    /// <summary>Series and attribute bounds applied before encoding.</summary>
    public Cardinality.CardinalityOptions Cardinality { get; init; } = new();

    /// <summary>Retry and circuit-breaker settings.</summary>
    public ExportResilienceOptions Resilience { get; init; } = new();
}
