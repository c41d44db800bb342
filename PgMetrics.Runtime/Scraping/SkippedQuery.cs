namespace PgMetrics.Runtime.Scraping;

/// <summary>A query the scrape did not run because the server lacks what it needs, and what that is.</summary>
/// <param name="Query">The metadata.yaml query.</param>
/// <param name="Database">The database it would have run in.</param>
/// <param name="Reason">What is missing and how to enable it, e.g. "extension pg_stat_statements is not installed".</param>
public sealed record SkippedQuery(string Query, string Database, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"query '{Query}' skipped in database '{Database}': {Reason}";
}
