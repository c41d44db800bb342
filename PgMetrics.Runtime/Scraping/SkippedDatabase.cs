namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// A selected database the per-database queries left out because the monitoring role may not connect
/// to it (<c>has_database_privilege(…, 'CONNECT')</c> is false). Its values read from the main connection
/// (pg_database, pg_stat_database) are still collected.
/// </summary>
/// <param name="Database">The database's name.</param>
/// <param name="Reason">Why it was left out and how to include it.</param>
public sealed record SkippedDatabase(string Database, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"database '{Database}' left out of per-database queries: {Reason}";
}
