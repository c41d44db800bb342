using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.IntegrationTests.Metadata;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestOtlp;

namespace PgMetrics.IntegrationTests.Chaos;

/// <summary>
/// PostgreSQL misbehaves under a running pipeline: restarted in the middle of a scrape, out of connection
/// slots, the monitoring role stripped of pg_monitor. Scrapes report what failed and keep what succeeded,
/// the pipeline carries on, recovers when the server does, and every point scraped is delivered.
/// </summary>
public sealed class PostgresChaosTests(ChaosCluster cluster, ChaosReport report) : IClassFixture<ChaosCluster>
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_restart_in_the_middle_of_a_scrape_is_reported_and_the_next_scrapes_recover()
    {
        var server = cluster.Server;
        await using var standIn = new NewRelicStandIn(ChaosPipeline.LicenseKey);
        var held = new LifecycleMetricSet();
        foreach (var name in LifecycleMetricsConfig.MetricNames)
        {
            held.FindMetric(name)!.Enabled = name == "lifecycle.held";
        }

        await using var pipeline = new ChaosPipeline(server.ConnectionString, standIn.Endpoint, extra: held);
        await pipeline.ScrapeAsync(3, Interval, Cancel);
        Assert.Empty(pipeline.Errors);
        var healthy = pipeline.Scraped / pipeline.Scrapes;

        // A query of the scrape sleeps while a session named lifecycle_hold is connected, so the restart surely lands
        // while it runs (the restart ends that session too, so later scrapes do not sleep). A lock wait no longer
        // serves: the collector waits at most its lock_timeout for any lock and leaves a migration's table out
        // rather than queue behind it (LockedRelationTests).
        var hold = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { ApplicationName = "lifecycle_hold", Pooling = false }.ConnectionString);
        await hold.OpenAsync(Cancel);
        var scrape = pipeline.ScrapeAsync(Cancel);
        // Every other query of the scrape done, so the restart cuts off this one alone. Its pg_sleep(600) was decided when
        // it started, so the restart ending lifecycle_hold first (SIGTERMs reach the backends one by one) cannot let it
        // finish and a later query be cut off instead, as a migration's lock released by a session's end once did.
        await Poll.UntilAsync(() => ScrapeSessionsAsync(server.ConnectionString), sessions => sessions == "held sleeps", "the scrape's held query alone, sleeping", Cancel);
        var restart = server.RestartAsync(TimeSpan.FromMilliseconds(500), Cancel);
        var interrupted = await scrape;
        // Exactly the query the restart cut off, as a connection error (57P01), and the points of every query before it.
        // No other query is cut off; a connection the scrape opens afterwards, while the server is down, may fail as a
        // connection error of the database that names no query.
        Assert.Equal(["Connection held postgres"], interrupted.Errors.Where(e => e.Query is not null).Select(e => $"{e.Kind} {e.Query} {e.Database}"));
        Assert.Contains("57P01", interrupted.Errors.Single(e => e.Query is not null).Message, StringComparison.Ordinal);
        Assert.All(interrupted.Errors.Where(e => e.Query is null), e => Assert.Equal($"{ScrapeErrorKind.Connection} postgres", $"{e.Kind} {e.Database}"));
        Assert.True(interrupted.Metrics.Count > 0, "the interrupted scrape should keep its instance queries' points");
        while (!restart.IsCompleted)
        {
            await pipeline.ScrapeAsync(Cancel);
            await Task.Delay(Interval, Cancel);
        }

        await restart;
        await hold.DisposeAsync();

        // The other tests' idle pooled sessions died with the old server; only the pipeline's must find that out by itself.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(server.ConnectionString));
        var failed = pipeline.Errors.Count;
        Assert.True(failed > 0, $"the restart should interrupt a scrape and fail the ones during the downtime; the interrupted scrape recorded {interrupted.Metrics.Count} points");
        Assert.All(pipeline.Errors, e => Assert.Equal(ScrapeErrorKind.Connection, e.Kind));

        var recovered = await Poll.UntilAsync(() => pipeline.ScrapeAsync(Cancel), r => r.IsComplete, "a complete scrape after the restart", Cancel, r => string.Join("; ", r.Errors));
        Assert.True(recovered.Metrics.Count >= healthy / 2, $"a scrape after the restart should record about as much as before it: {recovered.Metrics.Count} vs {healthy}");
        await pipeline.DrainAsync();

        var figures = pipeline.Figures("PostgreSQL restarted mid-scrape (fast shutdown, 0.5 s down)", server.Major, standIn, $"{pipeline.Scrapes} scrapes, {failed} scrape errors (all connection), interrupted scrape kept {interrupted.Metrics.Count} points");
        report.Add(figures);
        figures.AssertNothingLost();
        Assert.Equal(0, figures.Dropped);
    }

    [Fact]
    public async Task With_every_connection_slot_taken_scrapes_fail_as_connection_errors_and_resume_when_slots_free_up()
    {
        var server = cluster.Server;
        await using var role = await MonitoringRole.CreateAsync(server);
        await cluster.ExecuteAsync($"CREATE ROLE chaos_filler_{role.Name} LOGIN");
        var fillers = new List<NpgsqlConnection>();
        try
        {
            // Ordinary sessions take every slot not reserved for superusers.
            var filler = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = "chaos_filler_" + role.Name, Pooling = false }.ConnectionString;
            while (true)
            {
                var connection = new NpgsqlConnection(filler);
                try
                {
                    await connection.OpenAsync(Cancel);
                    fillers.Add(connection);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.TooManyConnections)
                {
                    await connection.DisposeAsync();
                    break;
                }

                Assert.True(fillers.Count <= ChaosCluster.MaxConnections, "the server should run out of slots");
            }

            await using var standIn = new NewRelicStandIn(ChaosPipeline.LicenseKey);
            await using var pipeline = new ChaosPipeline(role.ConnectionString, standIn.Endpoint);
            await pipeline.ScrapeAsync(3, Interval, Cancel);
            Assert.NotEmpty(pipeline.Errors);
            Assert.All(pipeline.Errors, e => Assert.True(e.Kind == ScrapeErrorKind.Connection && e.Message.Contains("53300", StringComparison.Ordinal), e.ToString()));
            var refused = pipeline.Errors.Count;

            foreach (var connection in fillers)
            {
                await connection.DisposeAsync();
            }

            fillers.Clear();
            var recovered = await Poll.UntilAsync(() => pipeline.ScrapeAsync(Cancel), r => r.IsComplete, "a complete scrape once slots are free", Cancel, r => string.Join("; ", r.Errors));
            Assert.True(recovered.Metrics.Count > 0);
            await pipeline.ScrapeAsync(2, Interval, Cancel);
            await pipeline.DrainAsync();

            var figures = pipeline.Figures("max_connections exhausted, then freed", server.Major, standIn, $"{refused} scrape errors 53300 (too many clients) while full; scrapes resumed after");
            report.Add(figures);
            figures.AssertNothingLost();
            Assert.Equal(0, figures.Dropped);
        }
        finally
        {
            foreach (var connection in fillers)
            {
                await connection.DisposeAsync();
            }

            await cluster.ExecuteAsync($"DROP ROLE IF EXISTS chaos_filler_{role.Name}");
        }
    }

    [Fact]
    public async Task A_monitoring_role_that_loses_pg_monitor_mid_run_sees_less_without_failing_and_sees_all_again_when_granted()
    {
        var server = cluster.Server;
        await using var role = await MonitoringRole.CreateAsync(server);

        // Another user's session holds a snapshot while transactions go by: only pg_monitor (through
        // pg_read_all_stats) lets the role see that session's backend_xmin in pg_stat_activity.
        await using var holder = new NpgsqlConnection(server.ConnectionString + ";Pooling=false");
        await holder.OpenAsync(Cancel);
        await using var snapshot = await holder.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, Cancel);
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM pg_catalog.pg_class", holder, snapshot))
        {
            await read.ExecuteScalarAsync(Cancel);
        }

        for (var i = 0; i < 20; i++)
        {
            await cluster.ExecuteAsync("SELECT txid_current()");
        }

        await using var standIn = new NewRelicStandIn(ChaosPipeline.LicenseKey);
        await using var pipeline = new ChaosPipeline(role.ConnectionString, standIn.Endpoint);
        var monitored = await pipeline.ScrapeAsync(Cancel);
        Assert.True(monitored.IsComplete, string.Join("; ", monitored.Errors));
        var held = XminAge(monitored);
        Assert.True(held >= 20, $"with pg_monitor the held snapshot should show, at least 20 transactions old: {held}");

        await role.ExecuteAsSuperuserAsync($"REVOKE pg_monitor FROM {role.Name}");
        var stripped = await pipeline.ScrapeAsync(Cancel);
        await pipeline.ScrapeAsync(Cancel);
        Assert.All(pipeline.Errors, e => Assert.Equal(ScrapeErrorKind.Permission, e.Kind));
        Assert.True(stripped.Metrics.Count > 0, "without pg_monitor the scrape should still record what the role may see");
        Assert.True(XminAge(stripped) is null or < 20, $"without pg_monitor the other user's snapshot is hidden; backend xmin age {XminAge(stripped)}");

        await role.ExecuteAsSuperuserAsync($"GRANT pg_monitor TO {role.Name}");
        var restored = await pipeline.ScrapeAsync(Cancel);
        Assert.True(restored.IsComplete, string.Join("; ", restored.Errors));
        Assert.True(XminAge(restored) >= held, $"with pg_monitor again the snapshot should show again: {XminAge(restored)}");
        await pipeline.DrainAsync();

        var figures = pipeline.Figures("monitoring role loses pg_monitor mid-run, then regains it", server.Major, standIn,
            $"{monitored.Metrics.Count} points per scrape with pg_monitor, {stripped.Metrics.Count} without ({pipeline.Errors.Count} permission errors; another session's snapshot of age {held} hidden), {restored.Metrics.Count} after the grant");
        report.Add(figures);
        figures.AssertNothingLost();
        Assert.Equal(0, figures.Dropped);
    }

    /// <summary>Every client session as application/database/state/wait event type/start of its query.</summary>
    /// <summary>
    /// What the scrape's sessions (application pgmetrics) are running: "held sleeps" for the held query in its
    /// pg_sleep, "<c>query</c> runs" for any other active one, in pid order; empty when all are idle.
    /// </summary>
    private static async Task<string> ScrapeSessionsAsync(string connectionString)
    {
        await using var probe = new NpgsqlConnection(connectionString + ";Pooling=false");
        await probe.OpenAsync(Cancel);
        await using var sessions = new NpgsqlCommand(
            """
            SELECT coalesce(string_agg(
                       CASE WHEN a.query LIKE '%lifecycle_hold%' AND a.wait_event = 'PgSleep' THEN 'held sleeps' ELSE left(a.query, 40) || ' runs' END,
                       '; ' ORDER BY a.pid), '')
            FROM pg_catalog.pg_stat_activity a
            WHERE a.application_name = 'pgmetrics' AND a.state <> 'idle' AND a.pid <> pg_backend_pid()
            """, probe);
        return (string)(await sessions.ExecuteScalarAsync(Cancel))!;
    }

    private static async Task<string> SessionsAsync(string connectionString)
    {
        await using var probe = new NpgsqlConnection(connectionString + ";Pooling=false");
        await probe.OpenAsync(Cancel);
        await using var sessions = new NpgsqlCommand("SELECT string_agg(concat_ws('/', application_name, datname, state, wait_event_type, left(query, 30)), '; ') FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend'", probe);
        return (await sessions.ExecuteScalarAsync(Cancel)) as string ?? string.Empty;
    }

    private static long? XminAge(ScrapeResult result)
    {
        foreach (var point in result.Metrics.Points)
        {
            if (point.Metric.Name == "postgresql.backend.xmin.age")
            {
                return point.IntValue;
            }
        }

        return null;
    }
}
