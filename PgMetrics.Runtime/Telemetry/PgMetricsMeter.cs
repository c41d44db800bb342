namespace PgMetrics.Runtime.Telemetry;

/// <summary>
/// PgMetrics' own instruments are published on the <c>System.Diagnostics.Metrics</c> meter of this name:
/// scrape duration and errors, points collected, exported and dropped, export retries and failures,
/// queue length, spool bytes, circuit state, config reloads. Add it to an OpenTelemetry .NET
/// <c>MeterProvider</c> (<c>AddMeter(PgMetricsMeter.Name)</c>) or read it with any <c>MeterListener</c>.
/// </summary>
public static class PgMetricsMeter
{
    /// <summary>The meter name: <c>PgMetrics</c>.</summary>
    public const string Name = "PgMetrics";
}
