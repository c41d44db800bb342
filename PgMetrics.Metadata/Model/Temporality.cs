namespace PgMetrics.Metadata.Model;

/// <summary>How a sum's values aggregate over time (<c>aggregation_temporality:</c>), as OpenTelemetry defines it.</summary>
public enum Temporality
{
    /// <summary>Each value is the total since a fixed start (<c>cumulative</c>).</summary>
    Cumulative,

    /// <summary>Each value is the change since the previous one (<c>delta</c>).</summary>
    Delta,
}
