using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Telemetry;

/// <summary>
/// The instruments of the <see cref="PgMetricsMeter"/>: what the collector scraped, sent, retried,
/// dropped and reloaded. <see cref="SelfMetricsCollector"/> turns them into <c>pgmetrics.*</c> metrics
/// exported with the rest. Components report here; this class knows none of their types.
/// </summary>
internal static class PgMetricsInstruments
{
    private static readonly Meter Meter = new(PgMetricsMeter.Name, PgMetricsVersion.Version);
    private static readonly ConcurrentDictionary<object, (string Exporter, Func<ExporterGauges> Read)> Exporters = new();

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
        Meter.CreateObservableGauge("pgmetrics.queue.length", () => Observe(g => g.QueuedRequests), "{request}", "Requests waiting to be sent.");
        Meter.CreateObservableGauge("pgmetrics.spool.bytes", () => Observe(g => g.QueuedBytes), "By", "Bytes waiting in the queue or disk spool, compressed as they will be sent.");
        Meter.CreateObservableGauge("pgmetrics.circuit.state", () => Observe(g => g.CircuitState), "1", "Circuit breaker state per exporter: 0 closed, 1 open, 2 half-open.");
    }

    public static void RecordScrape(string receiver, string scraper, ScrapeResult result)
    {
        var receiverTag = new KeyValuePair<string, object?>("receiver", receiver);
        var scraperTag = new KeyValuePair<string, object?>("scraper", scraper);
        ScrapeDuration.Record(result.Duration.TotalSeconds, receiverTag, scraperTag);
        PointsCollected.Add(result.PointsRecorded, receiverTag, scraperTag);
        foreach (var error in result.Errors)
        {
            ScrapeErrors.Add(1, receiverTag, new("kind", error.Kind.ToString().ToLowerInvariant()), new("query", error.Query ?? "(connection)"));
        }

        foreach (var rejected in result.RejectedValues)
        {
            RejectedValues.Add(rejected.Rows, receiverTag, new("query", rejected.Query), new("column", rejected.Column));
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

    /// <summary>Makes an exporter's queue and circuit visible to the observable gauges until the returned handle is disposed.</summary>
    public static IDisposable TrackExporter(string exporter, Func<ExporterGauges> read)
    {
        var handle = new Registration();
        Exporters[handle] = (exporter, read);
        return handle;
    }

    private static IEnumerable<Measurement<long>> Observe(Func<ExporterGauges, long> select)
        => Exporters.Values.Select(e => new Measurement<long>(select(e.Read()), new KeyValuePair<string, object?>("exporter", e.Exporter)));

    private sealed class Registration : IDisposable
    {
        public void Dispose() => Exporters.TryRemove(this, out _);
    }
}

/// <summary>An exporter's state for the observable gauges: requests and bytes waiting, and its circuit (0 closed, 1 open, 2 half-open).</summary>
internal readonly record struct ExporterGauges(long QueuedRequests, long QueuedBytes, long CircuitState);
