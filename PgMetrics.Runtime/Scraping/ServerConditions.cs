using Npgsql;

namespace PgMetrics.Runtime.Scraping;

/// <summary>
/// Reads, once per scrape on the home connection, what the monitoring role may see and whether the server counts
/// activity at all, and turns what is missing into <see cref="ServerCondition"/>s naming the built-in metrics it
/// affects and the fix. The catalogue's queries already leave out what such a role would get wrong (metadata.yaml
/// gates them on the same <c>pg_has_role</c> check); this says so, instead of the numbers just being absent.
/// </summary>
internal static class ServerConditions
{
    // pg_has_role(…, 'USAGE') is true for superusers and for members of pg_monitor, which includes pg_read_all_stats.
    private const string Sql = """
        SELECT current_user::text,
               pg_catalog.pg_has_role('pg_read_all_stats', 'USAGE'),
               ARRAY(SELECT datname::text FROM pg_catalog.pg_database
                     WHERE datname = ANY(@databases) AND NOT pg_catalog.has_database_privilege(oid, 'CONNECT')
                     ORDER BY 1),
               pg_catalog.current_setting('track_counts')::bool
        """;

    /// <summary>
    /// What pg_stat_activity, pg_stat_replication and pg_stat_wal_receiver hide from a role without
    /// pg_read_all_stats, which the catalogue's queries therefore leave out (metadata.yaml).
    /// </summary>
    internal static readonly string[] HiddenWithoutReadAllStats =
    [
        "postgresql.connection.count", "postgresql.connection.utilization", "postgresql.transaction.oldest.age",
        "postgresql.backend.xmin.age", "postgresql.replication.xmin.age", "postgresql.replication.data_delay",
        "postgresql.wal.lag", "postgresql.wal.delay", "postgresql.wal_receiver.status", "postgresql.wal_receiver.last_message.age",
    ];

    /// <summary>The counters the server stops updating while <c>track_counts</c> is off (commits and rollbacks still count).</summary>
    internal static readonly string[] FrozenWithoutTrackCounts =
    [
        "postgresql.blks_hit", "postgresql.blks_read", "postgresql.tup_deleted", "postgresql.tup_fetched", "postgresql.tup_inserted",
        "postgresql.tup_returned", "postgresql.tup_updated", "postgresql.deadlocks", "postgresql.temp_files", "postgresql.temp.io",
        "postgresql.rows", "postgresql.operations", "postgresql.sequential_scans", "postgresql.blocks_read", "postgresql.index.scans",
        "postgresql.table.vacuum.count", "postgresql.table.vacuum.age", "postgresql.table.analyze.age",
    ];

    /// <summary>The conditions that hold now, each naming only the metrics <paramref name="metricSet"/> has enabled.</summary>
    /// <param name="connection">The home connection, open.</param>
    /// <param name="databases">The databases selected for collection (every row of pg_database the selection keeps).</param>
    /// <param name="metricSet">The scraped set; conditions none of whose metrics it enables are not reported.</param>
    /// <param name="timeout">The statement's <c>statement_timeout</c>.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <exception cref="NpgsqlException">The server failed the statement.</exception>
    public static async Task<IReadOnlyList<ServerCondition>> ReadAsync(
        NpgsqlConnection connection, IReadOnlyList<string> databases, MetricSet metricSet, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var hiddenMetrics = Enabled(metricSet, HiddenWithoutReadAllStats);
        var frozenMetrics = Enabled(metricSet, FrozenWithoutTrackCounts);
        var sizeMetrics = Enabled(metricSet, ["postgresql.db_size"]);
        if (hiddenMetrics.Count + frozenMetrics.Count + sizeMetrics.Count == 0)
        {
            // A metric set of one's own: what it reads is its author's to know; no statement for it.
            return [];
        }

        string role;
        bool readsAllStats;
        string[] sizeHidden;
        bool trackCounts;
        await using (var command = CollectorSql.Statement(Sql, connection, timeout))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("databases", [.. databases]));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return [];
            }

            (role, readsAllStats, sizeHidden, trackCounts) = (reader.GetString(0), reader.GetBoolean(1), reader.GetFieldValue<string[]>(2), reader.GetBoolean(3));
        }

        var conditions = new List<ServerCondition>();
        var grant = $"GRANT pg_monitor TO {QuoteIdentifier(role)}";
        if (!readsAllStats)
        {
            var sessions = Enabled(metricSet, ["postgresql.sessions"]).Count > 0
                ? " (postgresql.sessions counts them under state 'unknown')"
                : string.Empty;
            Add(new ServerCondition(
                $"role '{role}' lacks pg_read_all_stats, so pg_stat_activity, pg_stat_replication and pg_stat_wal_receiver hide other roles' sessions from it{sessions}",
                hiddenMetrics,
                "not collected",
                grant));
            if (sizeHidden.Length > 0)
            {
                Add(new ServerCondition(
                    $"role '{role}' may not read the size of database {string.Join(", ", sizeHidden.Select(d => "'" + d + "'"))}: it has neither CONNECT on it nor pg_read_all_stats",
                    sizeMetrics,
                    "not collected for it",
                    $"{grant} (or GRANT CONNECT ON DATABASE … TO {QuoteIdentifier(role)})"));
            }
        }

        if (!trackCounts)
        {
            Add(new ServerCondition(
                "track_counts is off, so the server does not count table, index and database activity (and autovacuum does not run)",
                frozenMetrics,
                "frozen at their last values",
                "ALTER SYSTEM SET track_counts = on; SELECT pg_reload_conf()"));
        }

        return conditions;

        void Add(ServerCondition condition)
        {
            if (condition.Metrics.Count > 0)
            {
                conditions.Add(condition);
            }
        }
    }

    private static IReadOnlyList<string> Enabled(MetricSet metricSet, IEnumerable<string> metrics)
        => [.. metrics.Where(metric => metricSet.FindMetric(metric) is { Enabled: true })];

    /// <summary>The role's name as a GRANT statement takes it: bare when it is a lower-case identifier, else double-quoted.</summary>
    private static string QuoteIdentifier(string name)
        => name.Length > 0 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_') && !char.IsAsciiDigit(name[0])
            ? name
            : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
