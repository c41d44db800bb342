namespace PgMetrics.Runtime.Metrics;

/// <summary>Whether a sum is reported since a fixed start (cumulative) or since the previous report (delta).</summary>
public enum AggregationTemporality
{
    /// <summary>Each value covers the time since the start timestamp, which stays fixed.</summary>
    Cumulative,

    /// <summary>Each value covers the time since the previous report.</summary>
    Delta,
}
