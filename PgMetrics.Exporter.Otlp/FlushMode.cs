namespace PgMetrics.Exporter.Otlp;

/// <summary>How <see cref="OtlpExporter.FlushAsync"/> treats an endpoint that keeps failing.</summary>
public enum FlushMode
{
    /// <summary>As during normal running: an open circuit holds requests back until its break ends.</summary>
    Normal,

    /// <summary>
    /// The last flush at shutdown: retries without the circuit breaker, because an endpoint that just
    /// recovered must not be skipped for a break that outlasts the process.
    /// </summary>
    Final,
}
