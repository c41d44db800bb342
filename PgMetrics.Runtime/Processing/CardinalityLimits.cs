namespace PgMetrics.Runtime.Processing;

/// <summary>Bounds on how many series are sent, and on attribute sizes, within New Relic's limits.</summary>
public sealed record CardinalityLimits
{
    /// <summary>Series one metric may have; more fold into one series with <c>otel.metric.overflow=true</c>. Default 2,000.</summary>
    public int MaxSeriesPerMetric { get; init; } = 2_000;

    /// <summary>Series all metrics together may have. Default 50,000.</summary>
    public int MaxSeriesTotal { get; init; } = 50_000;

    /// <summary>
    /// The longest attribute value, in UTF-8 bytes; New Relic's limit is 4,095 (counted in bytes as
    /// <see cref="Logs.AttributeValueLimit"/> explains). Longer values are cut where a character ends.
    /// </summary>
    public int MaxAttributeValueBytes { get; init; } = Logs.AttributeValueLimit.NewRelicMaxBytes;

    /// <summary>
    /// A series not seen for this long (by its points' time) gives its place to a new one. Measured in time,
    /// not in buffers, because one exporter sees the buffers of many targets on their own schedules.
    /// Default 10 minutes.
    /// </summary>
    public TimeSpan ForgetAfter { get; init; } = TimeSpan.FromMinutes(10);
}
