namespace PgMetrics.Runtime.Scraping;

/// <summary>An expected failure during a scrape, as a value: what kind, where, and a message safe to log.</summary>
/// <param name="Query">The metadata.yaml query that failed, or null when the failure was not a query's.</param>
/// <param name="Database">The database the failure happened in, when known.</param>
/// <param name="Message">What went wrong; never contains a password.</param>
public sealed record ScrapeError(ScrapeErrorKind Kind, string? Query, string? Database, string Message)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var where = Query is null ? string.Empty : $" query '{Query}'";
        where += Database is null ? string.Empty : $" in database '{Database}'";
        return $"{Kind}{where}: {Message}";
    }
}
