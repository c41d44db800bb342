using PgMetrics.Exporter.Otlp;
using PgMetrics.Exporter.Otlp.NewRelic;
using PgMetrics.Exporter.Otlp.Resilience;
using PgMetrics.Exporter.Otlp.Transmission;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestOtlp;

namespace PgMetrics.IntegrationTests.Chaos;

/// <summary>
/// The collector's metrics path in one test: the real scraper with the built-in catalogue against a real
/// server, feeding the real OTLP exporter (memory queue or disk spool) that sends over loopback HTTP. Time
/// is compressed: short retry, backoff, break and timeout settings. Counts what the scrapes recorded.
/// </summary>
public sealed class ChaosPipeline : IAsyncDisposable
{
    public const string LicenseKey = "nr-chaos-license-key-7c2d1e0f3bNRAL";

    /// <summary>Seconds become tens of milliseconds; the shape of the policy stays the default's.</summary>
    public static ExportResilienceOptions CompressedResilience { get; } = new()
    {
        MaxRetryAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromSeconds(2),
        BreakDuration = TimeSpan.FromMilliseconds(500),
        MinimumThroughput = 4,
        SamplingDuration = TimeSpan.FromSeconds(5),
    };

    private readonly PostgresScraper _scraper;

    /// <param name="extra">A set scraped after the catalogue's instance queries, in the same scrape (e.g. a query that holds the scrape open).</param>
    public ChaosPipeline(string connectionString, Uri endpoint, string? spoolDirectory = null, TimeSpan? timeout = null, TimeProvider? timeProvider = null, TimeSpan? maxBatchAge = null, MetricSet? extra = null)
    {
        MetricSet catalogue = new PostgresqlMetricSet(new PostgresqlMetricsConfig());
        _scraper = new PostgresScraper(
            new ScraperOptions { ConnectionString = connectionString, Databases = ["postgres"], QueryTimeout = TimeSpan.FromSeconds(5) },
            extra is null ? catalogue : new MetricSetGroup("chaos", [catalogue, extra], catalogue));
        Options = NewRelicEndpoints.Options(LicenseKey) with
        {
            Endpoint = endpoint,
            Resilience = CompressedResilience,
            Timeout = timeout ?? TimeSpan.FromSeconds(5),
            SpoolDirectory = spoolDirectory,
            MaxBatchAge = maxBatchAge ?? TimeSpan.Zero,
        };
        Exporter = new OtlpExporter(Options, OtlpExporter.CreateQueue(Options, logger: null, timeProvider), logger: null, handler: null, ownsMetricsQueue: true);
        Exporter.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public OtlpExporterOptions Options { get; }

    public OtlpExporter Exporter { get; }

    /// <summary>Points the scrapes recorded and handed to the exporter.</summary>
    public long Scraped { get; private set; }

    public int Scrapes { get; private set; }

    /// <summary>Every problem the scrapes reported, in order.</summary>
    public List<ScrapeError> Errors { get; } = [];

    /// <summary>Scrapes once and hands the points to the exporter, as the collector's receiver does.</summary>
    public async Task<ScrapeResult> ScrapeAsync(CancellationToken cancellationToken)
    {
        var result = await _scraper.ScrapeAsync(cancellationToken);
        Scrapes++;
        Scraped += result.Metrics.Count;
        Errors.AddRange(result.Errors);
        Exporter.ConsumeMetrics(result.Metrics);
        return result;
    }

    /// <summary>Scrapes <paramref name="count"/> times, <paramref name="interval"/> apart.</summary>
    public async Task ScrapeAsync(int count, TimeSpan interval, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            await ScrapeAsync(cancellationToken);
            await Task.Delay(interval, cancellationToken);
        }
    }

    /// <summary>Sends what is queued; fails the test if the queue does not drain within a generous deadline.</summary>
    public async Task DrainAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.True(await Exporter.FlushAsync(FlushMode.Normal, deadline.Token), $"the queue should drain once the backend answers; {Exporter.QueuedRequests} requests left; {Exporter.Summary}");
    }

    /// <summary>
    /// Waits, without flushing, until the background sender alone has delivered every point scraped so far
    /// (a generous bound, not a speed goal), so a sender that stalls after a fault fails the test.
    /// </summary>
    public async Task AwaitDeliveryAsync(NewRelicStandIn standIn)
    {
        await Poll.UntilAsync(
            () => Task.FromResult(ChaosFigures.Count(standIn)),
            count => count.Received - count.Duplicates >= Scraped - Exporter.Statistics.PointsDropped,
            "the sender to deliver every scraped point without a flush",
            TestContext.Current.CancellationToken,
            count => $"{count.Received} of {Scraped} received; circuit {Exporter.Statistics.CircuitState}; {Exporter.QueuedRequests} requests queued");
        Assert.Equal(0, Exporter.QueuedRequests);
    }

    /// <summary>The scenario's figures, from the scrapes, the exporter's counters and what <paramref name="standIn"/> decoded.</summary>
    public ChaosFigures Figures(string scenario, int major, NewRelicStandIn standIn, string notes)
    {
        var (received, duplicates) = ChaosFigures.Count(standIn);
        var statistics = Exporter.Statistics;
        return new ChaosFigures(scenario, major, Scraped, statistics.PointsExported, received, duplicates, statistics.PointsDropped + statistics.PointsRejected, notes);
    }

    public async ValueTask DisposeAsync()
    {
        await Exporter.StopSendingAsync();
        Exporter.Dispose();
        await _scraper.DisposeAsync();
    }
}
