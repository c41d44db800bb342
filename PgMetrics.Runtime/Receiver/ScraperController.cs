using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Receiver;

/// <summary>
/// Runs a scraper on a fixed interval. Scrapes never overlap: a scrape that overruns the interval
/// delays the next one instead of running beside it, and each is cancelled at its timeout.
/// </summary>
public sealed class ScraperController
{
    /// <summary>Receives each scrape's points and result; the buffer is reused after it returns.</summary>
    public delegate ValueTask ScrapeHandler(MetricsBuffer buffer, ScrapeResult result, CancellationToken cancellationToken);

    private readonly PostgresScraper _scraper;
    private readonly ScraperControllerOptions _options;
    private readonly ScrapeHandler _onScraped;
    private readonly MetricsBuffer _buffer;

    /// <summary>Creates a controller; nothing runs until <see cref="RunAsync"/>.</summary>
    public ScraperController(PostgresScraper scraper, ScraperControllerOptions options, ScrapeHandler onScraped, string name = "postgresql")
    {
        Name = name;
        options.Validate();
        _scraper = scraper;
        _options = options;
        _onScraped = onScraped;
        _buffer = new MetricsBuffer(UnixTime.NowNanoseconds());
    }

    /// <summary>The receiver this controller runs, for self-metrics.</summary>
    public string Name { get; }

    /// <summary>The last scrape's result, or null before the first; read by /readyz.</summary>
    public ScrapeResult? LastResult { get; private set; }

    /// <summary>Scrapes until <paramref name="cancellationToken"/> is cancelled; returns normally then.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(_options.InitialDelay, cancellationToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(_options.CollectionInterval);
            do
            {
                await ScrapeOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs one scrape with the configured timeout and hands its points to the handler.</summary>
    public async Task<ScrapeResult> ScrapeOnceAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout > TimeSpan.Zero ? _options.Timeout : _options.CollectionInterval);
        _buffer.Clear();
        var result = await _scraper.ScrapeAsync(_buffer, timeout.Token).ConfigureAwait(false);
        Telemetry.PgMetricsInstruments.RecordScrape(Name, result);
        LastResult = result;
        await _onScraped(_buffer, result, cancellationToken).ConfigureAwait(false);
        return result;
    }
}
