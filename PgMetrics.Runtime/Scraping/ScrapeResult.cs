using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Everything one scrape produced, returned together: its data points, its log records and its
/// problems. A partial scrape has both points and errors.
/// </summary>
/// <param name="ServerVersionNum">The server's <c>server_version_num</c>, or 0 when it could not be reached.</param>
/// <param name="Databases">
/// The databases selected for collection, templates and databases that refuse connections included
/// (their pg_database and pg_stat_database values are read from the main connection).
/// </param>
/// <param name="PointsRecorded">How many data points the scrape recorded.</param>
/// <param name="QueriesRun">How many queries ran (succeeded or failed).</param>
/// <param name="Errors">Failed queries and connections; never holds a password.</param>
/// <param name="Duration">How long the scrape took.</param>
public sealed record ScrapeResult(
    int ServerVersionNum,
    IReadOnlyList<string> Databases,
    int PointsRecorded,
    int QueriesRun,
    IReadOnlyList<ScrapeError> Errors,
    TimeSpan Duration)
{
    /// <summary>
    /// The data points. The buffer belongs to the scraper and is reused by its next scrape, so it is
    /// read (or copied) before the scraper runs again; scrapes of one scraper never overlap.
    /// </summary>
    public MetricsBuffer Metrics { get; init; } = new();

    /// <summary>Log records: query samples and other events; empty for scrapes that produce none.</summary>
    public LogBatch Logs { get; init; } = LogBatch.Empty;

    /// <summary>Queries not run because the server lacks an extension or setting they need.</summary>
    public IReadOnlyList<SkippedQuery> Skipped { get; init; } = [];

    /// <summary>Selected databases the per-database queries left out because the role may not connect to them.</summary>
    public IReadOnlyList<SkippedDatabase> SkippedDatabases { get; init; } = [];

    /// <summary>Tables and indexes the per-relation queries left out because an ACCESS EXCLUSIVE lock on them is held or waited for.</summary>
    public IReadOnlyList<SkippedRelation> SkippedRelations { get; init; } = [];

    /// <summary>Rows whose enum column held a value metadata.yaml does not declare; their points were not recorded.</summary>
    public IReadOnlyList<RejectedValue> RejectedValues { get; init; } = [];

    /// <summary>
    /// What the monitoring role may not see or the server does not count, and which metrics are left out or frozen
    /// for it (a role without pg_read_all_stats, <c>track_counts</c> off); read once per scrape on the home connection.
    /// </summary>
    public IReadOnlyList<ServerCondition> Conditions { get; init; } = [];

    /// <summary>Whether every query succeeded.</summary>
    public bool IsComplete => Errors.Count == 0;
}
