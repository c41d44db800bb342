namespace PgMetrics.Runtime.Pipeline;

/// <summary>A source of data with a lifecycle, as in the OpenTelemetry Collector: it scrapes on its schedule and hands what it gets to its consumers.</summary>
public interface IReceiver : IComponent
{
    /// <summary>
    /// Runs each of the receiver's scrapers once now, outside the schedule (a one-off look, the <c>once</c>
    /// command); the results go to the consumers too. Each result's metrics buffer is reused by that
    /// scraper's next scrape, and is as the consumers left it: one whose <see cref="IMetricsConsumer.MutatesData"/>
    /// is true (a processor chain) may have changed it. Never throws for failures of the server: they are in the results.
    /// </summary>
    Task<IReadOnlyList<Scraping.ScrapeResult>> ScrapeOnceAsync(CancellationToken cancellationToken);
}
