namespace PgMetrics.Exporter.Otlp;

/// <summary>The state of an exporter's circuit breaker, as the <c>pgmetrics.circuit.state</c> self-metric reports it.</summary>
public enum ExportCircuitState
{
    /// <summary>Requests are sent (0).</summary>
    Closed = 0,

    /// <summary>The endpoint kept failing; requests wait in the queue until the break ends (1).</summary>
    Open = 1,

    /// <summary>The break ended; one trial request decides whether the circuit closes again (2).</summary>
    HalfOpen = 2,
}
