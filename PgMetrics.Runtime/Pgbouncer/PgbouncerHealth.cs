using System.Globalization;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.Runtime.Pgbouncer;

/// <summary>
/// Finds pools that answer but cannot serve: clients wait (SHOW POOLS cl_waiting) and the pool has no
/// server connection to give them, so PgBouncer cannot reach or log in to PostgreSQL. Such a pool is a
/// problem of the scrape (kind <see cref="ScrapeErrorKind.Connection"/>), so it reaches <c>/readyz</c>, the
/// log and <c>pgmetrics.scrape.errors</c> instead of passing as pool metrics that are merely zero. A pool
/// with no server connection and no waiting client is idle, not broken; the admin console's own pool is
/// left out.
/// </summary>
internal static class PgbouncerHealth
{
    /// <summary>The query name problems carry in <see cref="ScrapeError.Query"/> and the self-metrics.</summary>
    public const string Check = "pool_servers";

    private const string AdminDatabase = "pgbouncer";

    // Server connections in any state but logging in: a pool that has one can serve, or soon will.
    private static readonly string[] ServerColumns = ["sv_active", "sv_idle", "sv_used", "sv_tested", "sv_active_cancel", "sv_being_canceled"];

    /// <summary>One problem per pool whose clients wait with no server connection.</summary>
    public static IEnumerable<ScrapeError> PoolsWithoutServers(ShowResult pools)
    {
        var (database, user, waiting) = (pools.Ordinal("database"), pools.Ordinal("user"), pools.Ordinal("cl_waiting"));
        var (maxwait, maxwaitMicroseconds) = (pools.Ordinal("maxwait"), pools.Ordinal("maxwait_us"));
        var servers = ServerColumns.Select(pools.Ordinal).Where(ordinal => ordinal >= 0).ToArray();
        foreach (var row in pools.Rows)
        {
            var name = ShowResult.Text(row, database);
            var clients = ShowResult.Int64(row, waiting) ?? 0;
            if (name == AdminDatabase || clients == 0 || servers.Sum(ordinal => ShowResult.Int64(row, ordinal) ?? 0) > 0)
            {
                continue;
            }

            var waited = (ShowResult.Int64(row, maxwait) ?? 0) + ((ShowResult.Int64(row, maxwaitMicroseconds) ?? 0) / 1_000_000d);
            yield return new ScrapeError(ScrapeErrorKind.Connection, Check, name,
                string.Create(CultureInfo.InvariantCulture, $"pool {name}/{ShowResult.Text(row, user)}: {clients} client(s) waiting, the oldest for {waited:0.0} s, and no server connection; PgBouncer cannot open connections to PostgreSQL (see its log)"));
        }
    }
}
