using Npgsql;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Which relations of a database the per-relation queries leave out because an ACCESS EXCLUSIVE lock on them is held
/// or waited for. A query leaves them out itself, in its SQL (table_stats and index_stats in metadata.yaml read
/// <c>pg_locks</c> for <c>'AccessExclusiveLock'</c>); this names them once per database and scrape so the problem log
/// can say which, and only when a query of the scrape does so.
/// </summary>
internal static class LockedRelations
{
    // Relation locks live in the database they were taken in; user relations only (the catalogue's queries read no
    // others' sizes). Held wins over waited for when both are there, the lowest process ID names the session.
    private const string Sql = """
        SELECT n.nspname::text, c.relname::text, bool_or(l.granted),
               min(l.pid) FILTER (WHERE l.granted), min(l.pid) FILTER (WHERE NOT l.granted)
        FROM pg_catalog.pg_locks l
        JOIN pg_catalog.pg_class c ON c.oid = l.relation
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
          AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_t(oast|emp)'
        GROUP BY 1, 2
        ORDER BY 1, 2
        """;

    /// <summary>Whether <paramref name="query"/>'s SQL for this server leaves out relations under an ACCESS EXCLUSIVE lock.</summary>
    public static bool LeftOutBy(MetricQuery query, int serverVersion)
        => query.SelectSql(serverVersion)?.Contains("'AccessExclusiveLock'", StringComparison.Ordinal) == true;

    /// <summary>The user relations of the connection's database with an ACCESS EXCLUSIVE lock held or waited for.</summary>
    /// <exception cref="NpgsqlException">The server refused or cancelled the statement.</exception>
    public static async Task<IReadOnlyList<SkippedRelation>> ReadAsync(NpgsqlConnection connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var relations = new List<SkippedRelation>();
        await using var command = CollectorSql.Statement(Sql, connection, timeout);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var reason = reader.GetBoolean(2)
                ? $"an ACCESS EXCLUSIVE lock on it is held (pid {reader.GetInt32(3)})"
                : $"an ACCESS EXCLUSIVE lock on it is waited for (pid {reader.GetInt32(4)}), and a read would queue behind it";
            relations.Add(new SkippedRelation(connection.Database, reader.GetString(0), reader.GetString(1), reason));
        }

        return relations;
    }
}
