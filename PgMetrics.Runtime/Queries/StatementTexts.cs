namespace PgMetrics.Runtime.Queries;

/// <summary>
/// pg_stat_statements' own text of the statements whose text the top-query scraper holds (those that were among the
/// most time-consuming of a collection and are still in the view; see <see cref="StatementTextCache"/>), by database
/// and query id (<c>pg_stat_statements.queryid</c>). One receiver's query sample scraper looks a session's
/// <c>pg_stat_activity.query_id</c> up here (PostgreSQL 14 and later, with <c>compute_query_id</c> on), so a sample
/// and its top query are fingerprinted from the same text and join exactly, also where fingerprinting the activity
/// text alone cannot (text cut by <c>track_activity_query_size</c>, the fingerprint's known limits). Without a match
/// the sample's own text is fingerprinted, which stays the key across servers and versions.
/// </summary>
/// <remarks>
/// The map is replaced whole by each collection, so it holds at most twice <c>top_query_collection.max_rows_per_query</c>
/// texts; readers on another scraper's thread see either the old map or the new one.
/// </remarks>
public sealed class StatementTexts
{
    private volatile Dictionary<(string Database, string QueryId), string> _texts = [];

    /// <summary>How many statements are known.</summary>
    public int Count => _texts.Count;

    /// <summary>Replaces what is known with one collection's statements.</summary>
    /// <param name="texts">pg_stat_statements' text of each statement read, by database name and query id as text.</param>
    public void Replace(Dictionary<(string Database, string QueryId), string> texts) => _texts = texts;

    /// <summary>pg_stat_statements' text of the statement with this query id in this database, or null when not known.</summary>
    /// <param name="database">The database name (<c>pg_stat_activity.datname</c>).</param>
    /// <param name="queryId">The query id as text (<c>pg_stat_activity.query_id</c>); empty finds nothing.</param>
    public string? Find(string database, string queryId)
        => queryId.Length == 0 || queryId == "0" ? null : _texts.GetValueOrDefault((database, queryId));
}
