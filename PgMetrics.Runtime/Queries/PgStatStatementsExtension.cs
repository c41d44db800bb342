using System.Globalization;
using Npgsql;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Queries;

/// <summary>
/// pg_stat_statements as it is installed in one database (<c>pg_extension.extversion</c> and <c>extnamespace</c>), and
/// the SQL that reads its view there. The columns follow the installed version, not the server's: a server upgraded
/// without <c>ALTER EXTENSION pg_stat_statements UPDATE</c> keeps the old view (1.7 has <c>total_time</c> where 1.8,
/// shipped with PostgreSQL 13, has <c>total_exec_time</c>, <c>total_plan_time</c> and <c>wal_bytes</c>). The view is
/// named with its schema, so an extension installed outside the role's <c>search_path</c> is found too.
/// </summary>
/// <param name="InstalledVersion">The installed version as PostgreSQL gives it, e.g. 1.7 or 1.11 (<c>pg_extension.extversion</c>).</param>
/// <param name="Schema">The schema it is installed in, quoted as an identifier where it needs it (<c>quote_ident(nspname)</c>).</param>
public sealed record PgStatStatementsExtension(string InstalledVersion, string Schema)
{
    /// <summary>The first version with <c>queryid</c>, which top queries key statements by.</summary>
    public static readonly Version QueryIdVersion = new(1, 2);

    /// <summary>The version that renamed <c>total_time</c> to <c>total_exec_time</c> and added <c>total_plan_time</c> and <c>wal_bytes</c>.</summary>
    public static readonly Version ExecTimeVersion = new(1, 8);

    /// <summary>The version that added <c>toplevel</c>, which tells a statement run inside a function apart from the same one sent by a client.</summary>
    public static readonly Version TopLevelVersion = new(1, 9);

    private const string InstalledSql = """
        SELECT e.extversion, quote_ident(n.nspname)
        FROM pg_catalog.pg_extension e
        JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_stat_statements'
        """;

    // Every entry the role may see (queryid is null for the others), without text: pg_stat_statements(false) does not
    // load the query text file, whose size grows with pg_stat_statements.max and the statements' length.
    private const string CountersSql = """
        SELECT s.queryid::text, d.datname::text, r.rolname::text, {4}, s.calls, s.{1}, {2}, s.rows,
               s.shared_blks_hit, s.shared_blks_read, s.shared_blks_dirtied, s.shared_blks_written,
               s.temp_blks_read, s.temp_blks_written, {3}
        FROM {0}.pg_stat_statements(false) s
        JOIN pg_catalog.pg_database d ON d.oid = s.dbid
        JOIN pg_catalog.pg_roles r ON r.oid = s.userid
        WHERE s.queryid IS NOT NULL
        """;

    // The text of the entries with these query ids (the server reads its text file once for the call).
    private const string TextsSql = """
        SELECT s.queryid::text, d.datname::text, r.rolname::text, {1}, s.query
        FROM {0}.pg_stat_statements(true) s
        JOIN pg_catalog.pg_database d ON d.oid = s.dbid
        JOIN pg_catalog.pg_roles r ON r.oid = s.userid
        WHERE s.queryid = ANY(@queryids)
        """;

    /// <summary>The installed version as a number, or null when extversion is not one (a build of its own).</summary>
    public Version? Version => System.Version.TryParse(InstalledVersion, out var version) ? version : null;

    /// <summary>Whether top queries can read this view: it has <c>queryid</c> (1.2 and later), which they key statements by.</summary>
    public bool IsSupported => Version >= QueryIdVersion;

    /// <summary>Whether the view has <c>total_exec_time</c>, <c>total_plan_time</c> and <c>wal_bytes</c> (1.8 and later).</summary>
    public bool HasExecTime => Version >= ExecTimeVersion;

    /// <summary>Whether the view has <c>toplevel</c> (1.9 and later, PostgreSQL 14).</summary>
    public bool HasTopLevel => Version >= TopLevelVersion;

    /// <summary>
    /// Every entry's counters, without text, in no order: query id as text, database, role, toplevel (true before 1.9), calls,
    /// execution time and planning time in milliseconds (0 before 1.8), rows, the six block counters and WAL bytes (0 before 1.8).
    /// </summary>
    public string CountersQuery => string.Format(CultureInfo.InvariantCulture, CountersSql, Schema,
        HasExecTime ? "total_exec_time" : "total_time", HasExecTime ? "s.total_plan_time" : "0::float8", HasExecTime ? "s.wal_bytes::bigint" : "0::bigint", TopLevelColumn);

    /// <summary>
    /// The text of the entries whose query id is in the <c>@queryids</c> parameter (bigint[]): query id as text, database, role,
    /// toplevel (true before 1.9) and pg_stat_statements' text, with <c>$n</c> for constants.
    /// </summary>
    public string TextsQuery => string.Format(CultureInfo.InvariantCulture, TextsSql, Schema, TopLevelColumn);

    private string TopLevelColumn => HasTopLevel ? "s.toplevel" : "true";

    /// <summary>The extension as installed in the connection's database, or null when it is not installed there.</summary>
    public static async Task<PgStatStatementsExtension?> ReadAsync(NpgsqlConnection connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var command = CollectorSql.Statement(InstalledSql, connection, timeout);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new PgStatStatementsExtension(reader.GetString(0), reader.GetString(1));
    }
}
