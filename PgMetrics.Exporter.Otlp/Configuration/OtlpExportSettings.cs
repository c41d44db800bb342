using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Exporter.Otlp;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Processing;

namespace PgMetrics.Exporter.Otlp.Configuration;

/// <summary>
/// What the <c>newrelic</c> and <c>otlp</c> exporters share: compression, temporality, the queue's bound and
/// spool, and the cardinality limits; and the processors and exporter made from them.
/// </summary>
public sealed record OtlpExportSettings
{
    /// <summary>The keys every OTLP-sending exporter takes.</summary>
    internal static readonly string[] Keys = ["compression", "temporality", "spool_directory", "max_queue_mb", "cardinality"];

    private static readonly string[] CardinalityKeys = ["max_series_per_metric", "max_series_total"];
    private static readonly (string, AggregationTemporality)[] Temporalities = [("delta", AggregationTemporality.Delta), ("cumulative", AggregationTemporality.Cumulative)];

    /// <summary>Request body compression. Default gzip.</summary>
    public OtlpCompression Compression { get; init; } = OtlpCompression.Gzip;

    /// <summary>Monotonic sums as deltas between scrapes or as totals; null means the exporter's default (delta for New Relic, cumulative otherwise).</summary>
    public AggregationTemporality? Temporality { get; init; }

    /// <summary>A folder for unsent requests, so an outage and a restart lose nothing; null keeps them in memory.</summary>
    public string? SpoolDirectory { get; init; }

    /// <summary>The most unsent data kept, in MiB; beyond it the oldest is dropped and counted. Default 64.</summary>
    public int MaxQueueMegabytes { get; init; } = 64;

    /// <summary><c>cardinality: {max_series_per_metric, max_series_total}</c>.</summary>
    public CardinalityLimits Cardinality { get; init; } = new();

    /// <summary>Reads the shared keys of an exporter block.</summary>
    internal static OtlpExportSettings Read(ConfigSection block)
    {
        var defaults = new OtlpExportSettings();
        var cardinality = block.Section("cardinality", CardinalityKeys);
        return new OtlpExportSettings
        {
            Compression = block.Choice("compression", OtlpCompressionNames.All) ?? defaults.Compression,
            Temporality = block.Choice("temporality", Temporalities),
            SpoolDirectory = block.Text("spool_directory"),
            MaxQueueMegabytes = block.Int("max_queue_mb", minimum: 1) ?? defaults.MaxQueueMegabytes,
            Cardinality = defaults.Cardinality with
            {
                MaxSeriesPerMetric = cardinality.Int("max_series_per_metric", minimum: 1) ?? defaults.Cardinality.MaxSeriesPerMetric,
                MaxSeriesTotal = cardinality.Int("max_series_total", minimum: 1) ?? defaults.Cardinality.MaxSeriesTotal,
            },
        };
    }

    /// <summary>
    /// The exporter and its processors: cardinality limits first, then the delta processor for delta
    /// temporality (the encoder is told about it, so the two always agree), or for cumulative temporality the
    /// processor that starts a new series, with a new start time, when PostgreSQL resets a counter.
    /// </summary>
    internal (IExporter Exporter, IReadOnlyList<IMetricsProcessor> Processors) Create(
        OtlpExporterOptions destination, AggregationTemporality defaultTemporality, ExporterState state, Microsoft.Extensions.Logging.ILogger logger)
    {
        var temporality = Temporality ?? defaultTemporality;
        var options = destination with
        {
            Compression = Compression,
            SpoolDirectory = SpoolDirectory,
            MaxQueueBytes = MaxQueueMegabytes * 1024L * 1024,
            MonotonicSumTemporality = temporality,
        };

        // The queue outlives the exporter across reloads, so data waiting in it (or in the spool) carries over.
        var queue = state.GetOrAdd(options.Name, () => OtlpExporter.CreateQueue(options, logger));
        var exporter = new OtlpExporter(options, queue, logger);
        List<IMetricsProcessor> processors = [new CardinalityLimitProcessor(Cardinality, options.Name)];
        processors.Add(temporality == AggregationTemporality.Delta ? new DeltaTemporalityProcessor() : new CumulativeResetProcessor());

        return (exporter, processors);
    }
}
