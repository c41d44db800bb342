using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pgbouncer;

namespace PgMetrics.Runtime.Tests.Pgbouncer;

/// <summary>
/// The SHOW columns of the PgBouncer versions the tests cannot start (only Debian's 1.18 is at hand): as
/// PgBouncer 1.17 and 1.24 print them, in their order. A column a version lacks records nothing, a column
/// it adds is not read, and a column renamed between versions feeds the same metric.
/// </summary>
public sealed class ShowColumnsByNameTests
{
    [Fact]
    public void Pools_of_1_17_record_cl_cancel_req_and_no_cancel_states_it_does_not_have()
    {
        // PgBouncer 1.17 SHOW POOLS: cl_cancel_req; no cl_*_cancel_req, sv_active_cancel or sv_being_canceled yet.
        string[] columns = ["database", "user", "cl_active", "cl_waiting", "cl_cancel_req", "sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login", "maxwait", "maxwait_us", "pool_mode"];
        var points = Record("SHOW POOLS", columns, ["app", "alice", "4", "2", "1", "3", "0", "0", "0", "0", "1", "500000", "transaction"]);

        Assert.Equal(4, points[("pgbouncer.pool.client.connections", "active")]);
        Assert.Equal(1, points[("pgbouncer.pool.client.connections", "cancel_req")]);
        Assert.Equal(1.5, points[("pgbouncer.pool.client.max_wait", null)]);
        Assert.False(points.ContainsKey(("pgbouncer.pool.server.connections", "active_cancel")));
        Assert.False(points.ContainsKey(("pgbouncer.pool.client.connections", "active_cancel_req")));
        Assert.Equal(3 + 5 + 1, points.Count);
    }

    [Fact]
    public void Databases_of_1_24_read_the_renamed_reserve_pool_size_and_ignore_columns_no_metric_maps()
    {
        // PgBouncer 1.24 SHOW DATABASES: reserve_pool_size (reserve_pool before 1.23), server_lifetime, load_balance_hosts, client limits.
        string[] columns = ["name", "host", "port", "database", "force_user", "pool_size", "min_pool_size", "reserve_pool_size", "server_lifetime", "pool_mode",
            "load_balance_hosts", "max_connections", "current_connections", "max_client_connections", "current_client_connections", "paused", "disabled"];
        var points = Record("SHOW DATABASES", columns, ["app", "db1", "5432", "app", null, "20", "2", "5", "3600", null, null, "0", "7", "100", "12", "0", "0"]);

        Assert.Equal(5, points[("pgbouncer.database.pool.reserve_size", null)]);
        Assert.Equal(100, points[("pgbouncer.database.client.connection.limit", null)]);
        Assert.Equal(12, points[("pgbouncer.database.client.connections", null)]);
        Assert.Equal(9, points.Count);
    }

    [Fact]
    public void Stats_of_1_17_leave_out_the_counters_1_21_added()
    {
        string[] columns = ["database", "total_xact_count", "total_query_count", "total_received", "total_sent", "total_xact_time", "total_query_time", "total_wait_time",
            "avg_xact_count", "avg_query_count", "avg_recv", "avg_sent", "avg_xact_time", "avg_query_time", "avg_wait_time"];
        var points = Record("SHOW STATS", columns, ["app", "10", "30", "1000", "2000", "2500000", "1500000", "250000", "1", "3", "100", "200", "250000", "50000", "25000"]);

        Assert.Equal(2.5, points[("pgbouncer.transaction.time", null)]);
        Assert.Equal(0.25, points[("pgbouncer.client.wait.time", null)]);
        Assert.False(points.ContainsKey(("pgbouncer.server.assignments", null)));
        Assert.Equal(7, points.Count);
    }

    [Fact]
    public void A_pool_with_waiting_clients_and_no_server_connection_is_a_problem_and_an_idle_one_is_not()
    {
        string[] columns = ["database", "user", "cl_active", "cl_waiting", "sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login", "maxwait", "maxwait_us"];
        var pools = new ShowResult("SHOW POOLS", columns,
        [
            ["broken", "alice", "0", "2", "0", "0", "0", "0", "1", "4", "0"],
            ["idle", "alice", "3", "0", "0", "0", "0", "0", "0", "0", "0"],
            ["busy", "alice", "2", "5", "2", "0", "0", "0", "0", "9", "0"],
            ["pgbouncer", "pgbouncer", "1", "0", "0", "0", "0", "0", "0", "0", "0"],
        ]);

        var problem = Assert.Single(PgbouncerHealth.PoolsWithoutServers(pools));

        Assert.Equal(("broken", "pool_servers"), (problem.Database, problem.Query));
        Assert.Contains("2 client(s) waiting, the oldest for 4.0 s", problem.Message, StringComparison.Ordinal);
    }

    private static Dictionary<(string Metric, string? State), double> Record(string command, string[] columns, string?[] row)
    {
        var config = new PgbouncerMetricsConfig();
        var buffer = new MetricsBuffer();
        PgbouncerShowCommands.All.Single(c => c.Text == command).Record(new ShowResult(command, columns, [row]), new PgbouncerMetricsBuilder(config, buffer), 1);
        return buffer.Points.ToArray().ToDictionary(
            p => (p.Metric.Name, buffer.GetAttributes(p).ToArray().Select(a => a.StringValue).FirstOrDefault()),
            p => p.AsDouble());
    }
}
