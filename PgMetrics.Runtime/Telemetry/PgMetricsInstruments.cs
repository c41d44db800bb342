using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using PgMetrics.Runtime.Export;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Telemetry;

/// <summary>
/// PgMetrics' own instruments (System.Diagnostics.Metrics, meter <c>PgMetrics</c>): what the
/// collector scraped, sent, retried, dropped and reloaded. Any MeterListener can read them;
/// <see cref="SelfMetricsCollector"/> turns them into <c>pgmetrics.*</c> metrics exported with the rest.
/// </summary>
public static class PgMetricsInstruments
{
    public const string MeterName = "PgMetrics";

    private static readonly Meter Meter = new(MeterName, typeof(PgMetricsInstruments).Assembly.GetName().Version?.ToString(3));
    private static readonly ConcurrentDictionary<MetricsExporter, string> Exporters = new();

    private static readonly Histogram<double> ScrapeDuration = Meter.CreateHistogram<double>("pgmetrics.scrape.duration", "s", "How long a scrape took.");
    private static readonly Counter<long> ScrapeErrors = Meter.CreateCounter<long>("pgmetrics.scrape.errors", "{error}", "Failed queries and connections, by kind and query.");
    private static readonly Counter<long> RejectedValues = Meter.CreateCounter<long>("pgmetrics.scrape.rejected_values", "{row}", "Rows whose enum column held a value metadata.yaml does not declare, by query and column.");
    private static readonly Counter<long> PointsCollected = Meter.CreateCounter<long>("pgmetrics.points.collected", "{point}", "Data points recorded by scrapes.");
    private static readonly Counter<long> PointsExported = Meter.CreateCounter<long>("pgmetrics.points.exported", "{point}", "Data points the receiver accepted.");
    private static readonly Counter<long> BytesExported = Meter.CreateCounter<long>("pgmetrics.bytes.exported", "By", "Uncompressed request bytes the receiver accepted.");
    private static readonly Counter<long> ExportFailures = Meter.CreateCounter<long>("pgmetrics.export.failures", "{request}", "Requests that failed, by reason.");
    private static readonly Counter<long> ExportRetries = Meter.CreateCounter<long>("pgmetrics.export.retries", "{retry}", "Retries of failed requests.");
    private static readonly Counter<long> PointsDropped = Meter.CreateCounter<long>("pgmetrics.points.dropped", "{point}", "Data points given up: queue full, refused by the receiver, or too large.");
    private static readonly Counter<long> SeriesOverflowed = Meter.CreateCounter<long>("pgmetrics.series.overflowed", "{series}", "Series folded into an otel.metric.overflow series by the cardinality limits.");
    private static readonly Counter<long> ConfigReloads = Meter.CreateCounter<long>("pgmetrics.config.reloads", "{reload}", "Config reloads, by result.");

    static PgMetricsInstruments()
    {
        Meter.CreateObservableGauge("pgmetrics.queue.length", () => Observe(e => (long)e.Queue.Count), "{request}", "Requests waiting to be sent.");
        Meter.CreateObservableGauge("pgmetrics.spool.bytes", () => Observe(e => e.Queue.Bytes), "By", "Bytes waiting in the queue or disk spool.");
        Meter.CreateObservableGauge("pgmetrics.circuit.state", () => Observe(e => (long)e.Statistics.CircuitState), "1", "Circuit breaker state per exporter: 0 closed, 1 open, 2 half-open, 3 isolated.");
    }

    public static void RecordScrape(string receiver, ScrapeResult result)
    {
        var tag = new KeyValuePair<string, object?>("receiver", receiver);
        ScrapeDuration.Record(result.Duration.TotalSeconds, tag);
        PointsCollected.Add(result.PointsRecorded, tag);
        foreach (var error in result.Errors)
        {
            ScrapeErrors.Add(1, tag, new("kind", error.Kind.ToString().ToLowerInvariant()), new("query", error.Query ?? "(connection)"));
        }

        foreach (var rejected in result.RejectedValues)
        {
            RejectedValues.Add(rejected.Rows, tag, new("query", rejected.Query), new("column", rejected.Column));
        }
    }

    public static void RecordExported(string exporter, long points, long bytes)
    {
        PointsExported.Add(points, new KeyValuePair<string, object?>("exporter", exporter));
        BytesExported.Add(bytes, new KeyValuePair<string, object?>("exporter", exporter));
    }

    public static void RecordExportFailure(string exporter, string reason)
        => ExportFailures.Add(1, new("exporter", exporter), new("reason", reason));

    public static void RecordRetry(string exporter) => ExportRetries.Add(1, new KeyValuePair<string, object?>("exporter", exporter));

    public static void RecordDropped(string exporter, long points, string reason)
        => PointsDropped.Add(points, new("exporter", exporter), new("reason", reason));

    public static void RecordOverflow(string exporter, long series)
        => SeriesOverflowed.Add(series, new KeyValuePair<string, object?>("exporter", exporter));

    public static void RecordConfigReload(bool succeeded)
        => ConfigReloads.Add(1, new KeyValuePair<string, object?>("result", succeeded ? "ok" : "failed"));

    /// <summary>Makes an exporter's queue and circuit visible to the observable gauges until it is disposed.</summary>
    public static void Track(MetricsExporter exporter, string name) => Exporters[exporter] = name;

    public static void Untrack(MetricsExporter exporter) => Exporters.TryRemove(exporter, out _);

    private static IEnumerable<Measurement<long>> Observe(Func<MetricsExporter, long> read)
        => Exporters.Select(e => new Measurement<long>(read(e.Key), new KeyValuePair<string, object?>("exporter", e.Value)));
}
