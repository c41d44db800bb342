using Npgsql;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Every statement PgMetrics sends ends with <see cref="Marker"/>. pg_stat_statements keeps a trailing
/// comment in its text (a leading one it drops), so top-query monitoring and the pgvector queries can
/// leave the collector's own statements out: on a quiet database they would otherwise crowd out the
/// application's.
/// </summary>
public static class CollectorSql
{
    /// <summary>The comment that ends every statement PgMetrics runs.</summary>
    public const string Marker = "/* pgmetrics */";

    /// <summary>A <c>NOT LIKE</c> pattern that matches the collector's own statements.</summary>
    public const string OwnStatementPattern = "%" + Marker;

    /// <summary>Whether a statement's text, as pg_stat_statements or pg_stat_activity keeps it, is one of the collector's own.</summary>
    public static bool IsCollectorStatement(string text) => text.AsSpan().TrimEnd().EndsWith(Marker, StringComparison.Ordinal);

    /// <summary><paramref name="sql"/> ending with <see cref="Marker"/>.</summary>
    public static string Mark(string sql) => sql.TrimEnd() + "\n" + Marker;

    /// <summary>
    /// A statement for <paramref name="sql"/>, marked as the collector's own, that the server cancels after
    /// <paramref name="timeout"/> (<c>statement_timeout</c>, scoped to the statement's own transaction so a
    /// pooler's server connection is handed back unchanged).
    /// </summary>
    /// <param name="sql">One SQL statement; named parameters (<c>@name</c>) go in <see cref="CollectorStatement.Parameters"/>.</param>
    /// <param name="connection">An open connection.</param>
    /// <param name="timeout">The server-side limit; whole milliseconds, at least 1.</param>
    /// <param name="searchPathFirst">Schemas (quoted identifiers, comma-separated) put before the session's <c>search_path</c>
    /// for this statement alone, e.g. where the extensions it reads are installed; null or empty for none.</param>
    public static CollectorStatement Statement(string sql, NpgsqlConnection connection, TimeSpan timeout, string? searchPathFirst = null) => new(sql, connection, timeout, searchPathFirst);
}
