namespace PgMetrics.Runtime.Cardinality;

/// <summary>Bounds on how many series are sent, and on attribute sizes, within New Relic's limits.</summary>
public sealed record CardinalityOptions
{
    /// <summary>Series one metric may have; more fold into one series with <c>otel.metric.overflow=true</c>.</summary>
    public int MaxSeriesPerMetric { get; init; } = 2_000;

    /// <summary>Series all metrics together may have.</summary>
    public int MaxSeriesTotal { get; init; } = 50_000;

    /// <summary>New Relic's limit on an attribute value's length; longer values are cut.</summary>
    public int MaxAttributeValueLength { get; init; } = 4_095;

    /// <summary>A series not seen for this many exports gives its place to a new one.</summary>
    public int ForgetAfterExports { get; init; } = 10;
}
