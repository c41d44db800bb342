using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Receiver;

/// <summary>
/// One PostgreSQL target: a scraper run by a <see cref="ScraperController"/> until shut down. Each
/// scrape's points go to the handler, which hands them to the exporters.
/// </summary>
public sealed class PostgresReceiver : IReceiver
{
    private readonly PostgresScraper _scraper;
    private readonly ScraperController _controller;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    /// <summary>Creates a receiver; nothing runs until <see cref="StartAsync"/>.</summary>
    public PostgresReceiver(string name, ScraperOptions scraperOptions, ScraperControllerOptions controllerOptions, MetricSet metricSet, ScraperController.ScrapeHandler onScraped)
    {
        Name = name;
        _scraper = new PostgresScraper(scraperOptions, metricSet);
        _controller = new ScraperController(_scraper, controllerOptions, onScraped, name);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The last scrape's result, or null before the first.</summary>
    public ScrapeResult? LastResult => _controller.LastResult;

    /// <summary>Which of this receiver's scrape problems were already reported, so each is logged once.</summary>
    public Scraping.ScrapeProblemLog Problems { get; } = new();

    /// <summary>Samples of long-running queries from the last scrape (with query monitoring on).</summary>
    public IReadOnlyList<Otlp.LogRecordData> QuerySamples => _scraper.QuerySamples;

    /// <summary>Runs one scrape now, outside the schedule (the <c>once</c> command).</summary>
    public Task<ScrapeResult> ScrapeOnceAsync(CancellationToken cancellationToken) => _controller.ScrapeOnceAsync(cancellationToken);

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _running = Task.Run(() => _controller.RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The deadline passed; the scrape is abandoned and its connections closed below.
        }

        await _scraper.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
