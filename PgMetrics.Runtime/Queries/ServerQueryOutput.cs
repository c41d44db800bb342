using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// What the query sample and top-query scrapers share: the server's identity attributes, the buffer their metrics
/// go to (and its one-resource twin under the semconv gate), the catalogue's builder over it, and how a scrape's
/// metrics, events and problems become its <see cref="ScrapeResult"/>.
/// </summary>
internal sealed class ServerQueryOutput
{
    private readonly MetricsBuffer? _semconvBuffer;

    public ServerQueryOutput(ServerConnections connections, PostgresqlMetricSet metricSet)
    {
        ServerAttributes = connections.ServerAttributes(metricSet);
        Buffer = new MetricsBuffer(UnixTime.NowNanoseconds(), ServerAttributes);
        _semconvBuffer = connections.UseOTelSemconv ? new MetricsBuffer(Buffer.StartTimeUnixNano, ServerAttributes) : null;
        Builder = new PostgresqlMetricsBuilder(metricSet.Config, Buffer);
    }

    /// <summary><c>server.address</c>, <c>server.port</c> and <c>service.instance.id</c>, as the switches say: the events' resource.</summary>
    public KeyValue[] ServerAttributes { get; }

    /// <summary>Where a scrape's points go; cleared by <see cref="Begin"/>.</summary>
    public MetricsBuffer Buffer { get; }

    /// <summary>The catalogue's typed builder over <see cref="Buffer"/>.</summary>
    public PostgresqlMetricsBuilder Builder { get; }

    /// <summary>Starts a scrape: the previous one's points are gone.</summary>
    public void Begin() => Buffer.Clear();

    /// <summary>The scrape's result: its points in the configured layout, its events under the server's resource, its problems.</summary>
    public ScrapeResult Result(int serverVersion, int queriesRun, List<ScrapeError> errors, TimeSpan elapsed, List<LogRecordData> events)
        => new(serverVersion, [], Buffer.Count, queriesRun, errors, elapsed)
        {
            Metrics = SemconvResourceLayout.InLayout(Buffer, _semconvBuffer),
            Logs = events.Count == 0 ? LogBatch.Empty : new LogBatch(ServerAttributes, events),
        };
}
