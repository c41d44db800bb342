using Polly.Telemetry;

namespace PgMetrics.Exporter.Otlp.Resilience;

/// <summary>
/// Turns Polly's resilience events into export events: a retry counts once, and circuit state changes
/// update the statistics and the log. One listener per pipeline instead of a callback per strategy.
/// </summary>
internal sealed class ExportTelemetryListener(ExportEvents events, TimeSpan breakDuration) : TelemetryListener
{
    /// <inheritdoc/>
    public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
    {
        switch (args.Event.EventName)
        {
            case "OnRetry":
                events.Retrying();
                break;
            case "OnCircuitOpened":
                events.CircuitChanged(ExportCircuitState.Open, breakDuration);
                break;
            case "OnCircuitHalfOpened":
                events.CircuitChanged(ExportCircuitState.HalfOpen, breakDuration);
                break;
            case "OnCircuitClosed":
                events.CircuitChanged(ExportCircuitState.Closed, breakDuration);
                break;
        }
    }
}
