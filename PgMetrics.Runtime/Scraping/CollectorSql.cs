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

    /// <summary>A command for <paramref name="sql"/>, marked as the collector's own.</summary>
    public static NpgsqlCommand Command(string sql, NpgsqlConnection connection) => new(sql.TrimEnd() + "\n" + Marker, connection);
}
