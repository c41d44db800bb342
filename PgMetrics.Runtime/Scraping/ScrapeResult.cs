namespace PgMetrics.Runtime.Scraping;

/// <summary>What one scrape did: how many points it recorded and what failed. A partial scrape has both.</summary>
/// <param name="ServerVersionNum">The server's <c>server_version_num</c>, or 0 when it could not be reached.</param>
/// <param name="Databases">The databases selected for collection.</param>
public sealed record ScrapeResult(
    int ServerVersionNum,
    IReadOnlyList<string> Databases,
    int PointsRecorded,
    int QueriesRun,
    IReadOnlyList<ScrapeError> Errors,
    TimeSpan Duration)
{
    /// <summary>Queries not run because the server lacks an extension or setting they need.</summary>
    public IReadOnlyList<SkippedQuery> Skipped { get; init; } = [];

    /// <summary>Rows whose enum column held a value metadata.yaml does not declare; their points were not recorded.</summary>
    public IReadOnlyList<RejectedValue> RejectedValues { get; init; } = [];

    /// <summary>Whether every query succeeded.</summary>
    public bool IsComplete => Errors.Count == 0;
}
