using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Exporter.Otlp.Serialization;

/// <summary>
/// What the OTLP encoders (protobuf and JSON alike) decide beyond the data itself: the instrumentation
/// scope, and the temporality monotonic sums are declared with.
/// </summary>
public sealed record OtlpEncodingOptions
{
    /// <summary>The instrumentation scope name every metric is sent under. Default <c>pgmetrics</c>.</summary>
    public string ScopeName { get; init; } = "pgmetrics";

    /// <summary>The scope version. Default: PgMetrics' version (<see cref="PgMetricsVersion.Version"/>, from the git tags).</summary>
    public string ScopeVersion { get; init; } = PgMetricsVersion.Version;

    /// <summary>
    /// The temporality monotonic sums are declared with. <see cref="AggregationTemporality.Delta"/> is
    /// only right when a delta processor turned the values into deltas before encoding; the exporter's
    /// temporality setting chooses both together. Other sums keep their declared temporality.
    /// </summary>
    public AggregationTemporality MonotonicSumTemporality { get; init; } = AggregationTemporality.Cumulative;

    /// <summary>The options every exporter uses unless told otherwise.</summary>
    public static OtlpEncodingOptions Default { get; } = new();

    /// <summary>The temporality <paramref name="metric"/> is declared with.</summary>
    public AggregationTemporality TemporalityOf(MetricDescriptor metric)
        => metric.Kind == MetricKind.Sum && metric.IsMonotonic ? MonotonicSumTemporality : metric.Temporality;

    /// <summary>The start of a sum's or histogram's interval, in Unix nanoseconds: the point's own (a delta's), else the buffer's.</summary>
    public static long StartTimeOf(MetricsBuffer metrics, in DataPoint point)
        => point.StartTimeUnixNano != 0 ? point.StartTimeUnixNano : metrics.StartTimeUnixNano;
}
