namespace PgMetrics.OpenTelemetry;

/// <summary>
/// The <c>System.Diagnostics.Metrics</c> meter the scraped metrics are published on. <c>AddPgMetricsInstrumentation</c>
/// adds it (and PgMetrics' own <c>PgMetrics</c> meter, for scrape durations and errors) to the meter provider.
/// </summary>
public static class PgMetricsInstrumentationMeter
{
    /// <summary>The meter name, and so the instrumentation scope of exported metrics: <c>PgMetrics.PostgreSQL</c>.</summary>
    public const string Name = "PgMetrics.PostgreSQL";
}
