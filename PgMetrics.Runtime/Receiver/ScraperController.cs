using PgMetrics.Runtime.Scraping;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Runtime.Receiver;

/// <summary>
/// Runs a scraper on a fixed interval, as the OpenTelemetry Collector's scraper controller. Scrapes never
/// overlap: a scrape that overruns the interval delays the next one instead of running beside it, and
/// each is cancelled at its timeout.
/// </summary>
public sealed class ScraperController
{
    /// <summary>Receives each scrape's result; its metrics buffer is reused by the next scrape once this returns.</summary>
    public delegate ValueTask ScrapeHandler(ScrapeResult result, CancellationToken cancellationToken);

    private readonly IScraper _scraper;
    private readonly ScraperControllerOptions _options;
    private readonly ScrapeHandler _onScraped;

    /// <summary>Creates a controller; nothing runs until <see cref="RunAsync"/>.</summary>
    /// <param name="scraper">What to run.</param>
    /// <param name="options">When to run it.</param>
    /// <param name="onScraped">Where each result goes.</param>
    /// <param name="receiver">The receiver's config name, for self-metrics.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="ScraperControllerOptions.Validate"/>).</exception>
    public ScraperController(IScraper scraper, ScraperControllerOptions options, ScrapeHandler onScraped, string receiver = "postgresql")
    {
        options.Validate();
        Receiver = receiver;
        _scraper = scraper;
        _options = options;
        _onScraped = onScraped;
    }

    /// <summary>The receiver this controller runs for, for self-metrics.</summary>
    public string Receiver { get; }

    /// <summary>The scraper it runs.</summary>
    public IScraper Scraper => _scraper;

    /// <summary>The last scrape's result, or null before the first; read by readiness checks.</summary>
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

    /// <summary>Runs one scrape with the configured timeout and hands its result to the handler.</summary>
    public async Task<ScrapeResult> ScrapeOnceAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout > TimeSpan.Zero ? _options.Timeout : _options.CollectionInterval);
        var result = await _scraper.ScrapeAsync(timeout.Token).ConfigureAwait(false);
        PgMetricsInstruments.RecordScrape(Receiver, _scraper.Name, result);
        LastResult = result;
        await _onScraped(result, cancellationToken).ConfigureAwait(false);
        return result;
    }
}
