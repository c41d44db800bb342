using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.OpenTelemetry;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Telemetry;

// Where the OpenTelemetry instrumentation packages put their MeterProviderBuilder extensions.
namespace OpenTelemetry.Metrics;

/// <summary>Adds PgMetrics to an OpenTelemetry .NET meter provider: <c>metrics.AddPgMetricsInstrumentation(options => options.ConnectionString = "…")</c>.</summary>
public static class PgMetricsMeterProviderBuilderExtensions
{
    /// <summary>
    /// Scrapes PostgreSQL on the options' schedule and publishes the metrics through observable instruments on the
    /// <see cref="PgMetricsInstrumentationMeter.Name"/> meter, under the catalogue's names, units and attributes
    /// (the server's resource attributes become tags), so the provider's exporter sends them: OTLP to New Relic,
    /// Prometheus, the console. Monotonic counters report growth since the first scrape, so they are right under
    /// cumulative and delta temporality alike and never go negative after a counter reset; the reader's
    /// temporality preference decides which is sent. PgMetrics' own <c>PgMetrics</c> meter (scrape durations,
    /// errors) is added too. Receivers log, and query events are logged, through the app's <c>ILoggerFactory</c>.
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <param name="configure">Sets the server(s) and what to collect.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">No server is given, or a receiver's settings are wrong; the message names each key and what to write, as the collector's would.</exception>
    public static MeterProviderBuilder AddPgMetricsInstrumentation(this MeterProviderBuilder builder, Action<PgMetricsInstrumentationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PgMetricsInstrumentationOptions();
        configure(options);
        var receivers = options.AllReceivers();
        var errors = new ConfigErrors("(code)");
        if (receivers.Count == 0)
        {
            errors.Add("receivers", "at least one server is needed: set ConnectionString or add to Receivers");
        }

        foreach (var duplicate in receivers.GroupBy(r => r.Name).Where(g => g.Count() > 1))
        {
            errors.Add("receivers." + duplicate.Key, "is given more than once; give each receiver its own name, e.g. postgresql/replica");
        }

        foreach (var receiver in receivers)
        {
            receiver.Validate(errors);
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("PgMetrics instrumentation: " + string.Join("; ", errors.Items), nameof(configure));
        }

        var metricSets = options.MetricSets.ToList();
        return builder
            .AddMeter(PgMetricsInstrumentationMeter.Name, PgMetricsMeter.Name)
            .AddInstrumentation((services, _) => new PgMetricsInstrumentation(receivers, metricSets, services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
    }
}
