namespace PgMetrics.Runtime.Scraping;

/// <summary>Why part or all of a scrape failed.</summary>
public enum ScrapeErrorKind
{
    /// <summary>The server could not be reached or the connection broke.</summary>
    Connection,

    /// <summary>The server refused the credentials.</summary>
    Authentication,

    /// <summary>The monitoring role may not read what a query needs.</summary>
    Permission,

    /// <summary>The scrape or a query took longer than allowed.</summary>
    Timeout,

    /// <summary>A query failed or returned something metadata.yaml does not describe.</summary>
    Query,
}
