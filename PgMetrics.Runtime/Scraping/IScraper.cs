namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Reads one kind of data from one server, as the OpenTelemetry Collector's scrapers do: the metric
/// catalogue, or query performance (top queries, samples). A receiver runs one or more on a schedule.
/// </summary>
public interface IScraper : IAsyncDisposable
{
    /// <summary>What the scraper collects, e.g. <c>metrics</c> or <c>query_performance</c>; names it in self-metrics.</summary>
    string Name { get; }

    /// <summary>
    /// Runs one scrape. Never throws for failures of the server or its queries: they are in the result,
    /// with whatever was collected before or besides them.
    /// </summary>
    /// <param name="cancellationToken">The scrape's deadline; a cancelled scrape returns what it has, with a timeout error.</param>
    Task<ScrapeResult> ScrapeAsync(CancellationToken cancellationToken);
}
