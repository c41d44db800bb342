namespace PgMetrics.IntegrationTests.Infrastructure;

/// <summary>
/// Scrapes checked against the server's own views. Values move while a test runs (replication,
/// statistics and clocks do not hold still), so each waits for a moment in which the comparison is
/// exact rather than allowing a tolerance.
/// </summary>
public static class ViewOracle
{
    /// <summary>
    /// Scrapes until the one point of <paramref name="metric"/> that matches <paramref name="filter"/>
    /// equals what <paramref name="viewSql"/> returns right after the scrape, and the value is one
    /// <paramref name="accept"/> accepts; returns that scrape.
    /// </summary>
    public static async Task<CollectedPoints> ScrapeAgreeingAsync(
        TopologyScraper scraper, string connectionString, string viewSql, string metric, Func<CollectedPoint, bool> filter, CancellationToken cancellationToken, Func<double, bool>? accept = null)
    {
        var result = await Poll.UntilAsync(
            async () => (Scrape: await scraper.ScrapeAsync(cancellationToken), View: await ServerSql.ScalarAsync<long?>(connectionString, viewSql, cancellationToken)),
            r => r.Scrape.Result.Errors.Count == 0 && r.View is { } view && r.Scrape.Of(metric, filter).Count() == 1 && r.Scrape.Single(metric, filter).Value == view
                 && (accept is null || accept(view)),
            $"{metric} equal to the view ({viewSql}){(accept is null ? string.Empty : " and acceptable")}", cancellationToken,
            r => $"view {r.View}; scrape {r.Scrape}");
        return result.Scrape;
    }

    /// <summary>
    /// Reads the age in seconds of <paramref name="timestamp"/> (an SQL expression, from
    /// <paramref name="from"/> if given), scrapes, and reads it again, until the timestamp itself did not
    /// move in between; then a scraped age of it must lie between the two readings.
    /// </summary>
    public static async Task<(double Before, CollectedPoints Scrape, double After)> ScrapeBetweenReadingsAsync(
        TopologyScraper scraper, string connectionString, string timestamp, string? from, CancellationToken cancellationToken)
    {
        var sql = $"SELECT ({timestamp})::text, extract(epoch FROM now() - ({timestamp}))::float8" + (from is null ? string.Empty : " FROM " + from);
        async Task<(string? Timestamp, double Age)> ReadAsync()
        {
            var row = Assert.Single(await ServerSql.RowsAsync(connectionString, sql, cancellationToken));
            return ((string?)row[0], (double)row[1]!);
        }

        var result = await Poll.UntilAsync(
            async () => (Before: await ReadAsync(), Scrape: await scraper.ScrapeAsync(cancellationToken), After: await ReadAsync()),
            r => r.Scrape.Result.Errors.Count == 0 && r.Before.Timestamp == r.After.Timestamp,
            $"{timestamp} not moving while a scrape ran", cancellationToken);
        return (result.Before.Age, result.Scrape, result.After.Age);
    }
}
