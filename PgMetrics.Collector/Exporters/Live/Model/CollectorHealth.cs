using System.Diagnostics.Metrics;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Collector.Exporters.Live.Model;

/// <summary>
/// The collector's own health, read from the PgMetrics meter (<see cref="PgMetricsMeter"/>) as its
/// instruments record: how long the last scrapes took, scrape errors, what waits in the OTLP exporters'
/// queues, and points exported, failed and dropped since the view started. Listening, rather than taking
/// the host's periodic <c>pgmetrics.*</c> report, shows each scrape and each error the moment it happens.
/// </summary>
internal sealed class CollectorHealth : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, double> _lastScrape = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Instrument, string Exporter), long> _queues = [];
    private readonly Trend _scrapeTrend = new();
    private long _scrapes;
    private long _errors;
    private DateTimeOffset? _lastError;
    private long _exported;
    private long _failures;
    private long _dropped;

    /// <summary>Starts listening; instruments created later are picked up too.</summary>
    public CollectorHealth()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PgMetricsMeter.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.Start();
    }

    /// <summary>The figures now (the queue gauges are read at this moment).</summary>
    public HealthFigures Read()
    {
        _listener.RecordObservableInstruments();
        lock (_gate)
        {
            (long Requests, long Bytes)? queue = _queues.Count == 0
                ? null
                : (_queues.Where(q => q.Key.Instrument == "pgmetrics.queue.length").Sum(q => q.Value), _queues.Where(q => q.Key.Instrument == "pgmetrics.spool.bytes").Sum(q => q.Value));
            return new HealthFigures(
                _scrapes,
                _lastScrape.Count == 0 ? null : _lastScrape.Values.Max(),
                [.. _scrapeTrend.Values],
                _errors,
                _lastError,
                queue,
                _exported,
                _failures,
                _dropped);
        }
    }

    private void Record(string instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? Tag(string key, ReadOnlySpan<KeyValuePair<string, object?>> all)
        {
            foreach (var tag in all)
            {
                if (tag.Key == key)
                {
                    return tag.Value?.ToString();
                }
            }

            return null;
        }

        lock (_gate)
        {
            switch (instrument)
            {
                case "pgmetrics.scrape.duration":
                    _scrapes++;
                    _lastScrape[Tag("receiver", tags) + "/" + Tag("scraper", tags)] = value;
                    if (Tag("scraper", tags) != "query_performance")
                    {
                        _scrapeTrend.Add(value);
                    }

                    break;
                case "pgmetrics.scrape.errors":
                    _errors += (long)value;
                    _lastError = DateTimeOffset.Now;
                    break;
                case "pgmetrics.queue.length" or "pgmetrics.spool.bytes":
                    _queues[(instrument, Tag("exporter", tags) ?? string.Empty)] = (long)value;
                    break;
                case "pgmetrics.points.exported":
                    _exported += (long)value;
                    break;
                case "pgmetrics.export.failures":
                    _failures += (long)value;
                    break;
                case "pgmetrics.points.dropped":
                    _dropped += (long)value;
                    break;
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();
}

/// <summary>The collector's health at one moment.</summary>
/// <param name="Scrapes">Scrapes finished since the view started.</param>
/// <param name="ScrapeSeconds">How long the slowest scraper's last scrape took, in seconds.</param>
/// <param name="ScrapeTrend">Catalogue scrape times, oldest first, in seconds.</param>
/// <param name="ScrapeErrors">Failed queries and connections since the view started.</param>
/// <param name="LastError">When the last of them happened.</param>
/// <param name="Queue">Requests and bytes waiting in the OTLP exporters' queues; null when no exporter queues.</param>
/// <param name="PointsExported">Points the OTLP exporters' receivers accepted since the view started.</param>
/// <param name="ExportFailures">Requests that failed since the view started.</param>
/// <param name="PointsDropped">Points given up (queue full, refused, too large) since the view started.</param>
internal sealed record HealthFigures(
    long Scrapes,
    double? ScrapeSeconds,
    IReadOnlyCollection<double> ScrapeTrend,
    long ScrapeErrors,
    DateTimeOffset? LastError,
    (long Requests, long Bytes)? Queue,
    long PointsExported,
    long ExportFailures,
    long PointsDropped);
