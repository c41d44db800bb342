using PgMetrics.Exporter.Otlp.Resilience;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Exporter.Otlp;

/// <summary>Where and how an <see cref="OtlpExporter"/> sends OTLP/HTTP protobuf, and how it batches, bounds and retries.</summary>
public sealed record OtlpExporterOptions
{
    /// <summary>New Relic refuses OTLP payloads over 1,000,000 bytes.</summary>
    public const int NewRelicPayloadLimit = 1_000_000;

    /// <summary>The exporter's config name, used in self-metrics and logs. Default <c>otlp</c>.</summary>
    public string Name { get; init; } = "otlp";

    /// <summary>The receiver's base URL; <c>/v1/metrics</c> and <c>/v1/logs</c> are appended.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>Headers sent with every request, e.g. New Relic's <c>api-key</c>. Their values are never logged.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Request body compression. Default gzip.</summary>
    public OtlpCompression Compression { get; init; } = OtlpCompression.Gzip;

    /// <summary>How long one attempt of one request may take. Default 10 seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest request body in bytes, before compression, so the compressed body is within it too. Default New Relic's 1,000,000.</summary>
    public int MaxRequestBytes { get; init; } = NewRelicPayloadLimit;

    /// <summary>How long scraped data may wait to be joined with later scrapes into one request; zero (the default) sends each scrape at once.</summary>
    public TimeSpan MaxBatchAge { get; init; } = TimeSpan.Zero;

    /// <summary>The most bytes of metrics requests waiting in the queue or spool, counted compressed as they are kept (with <see cref="Compression"/>); beyond it the oldest requests are dropped and counted. Default 64 MiB.</summary>
    public long MaxQueueBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The most bytes of log requests waiting in memory; beyond it the oldest are dropped and counted. Default 8 MiB.</summary>
    public long MaxLogQueueBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>
    /// A folder where queued metrics requests are kept as files, so an outage and a restart lose nothing
    /// within <see cref="MaxQueueBytes"/>; null (the default) keeps them in memory.
    /// </summary>
    public string? SpoolDirectory { get; init; }

    /// <summary>
    /// The temporality monotonic sums are declared with. Set <see cref="AggregationTemporality.Delta"/>
    /// only when a delta processor runs before this exporter (New Relic prefers delta).
    /// </summary>
    public AggregationTemporality MonotonicSumTemporality { get; init; } = AggregationTemporality.Cumulative;

    /// <summary>Retry and circuit-breaker settings.</summary>
    public ExportResilienceOptions Resilience { get; init; } = new();
}
