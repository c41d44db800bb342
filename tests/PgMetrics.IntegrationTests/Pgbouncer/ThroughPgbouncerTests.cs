using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.IntegrationTests.Metadata;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests.Pgbouncer;

/// <summary>
/// Scraping a server through Debian's PgBouncer with its default settings (no ignore_startup_parameters), in
/// session and transaction pooling: everything a direct scrape collects arrives, the per-statement
/// statement_timeout cancels on the server and leaves nothing behind on the pooled server connection, and
/// application_name reaches the server.
/// </summary>
public sealed class ThroughPgbouncerTests(PostgresServerPool servers)
{
    private const string User = "postgres";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<int, string> VersionsAndPoolModes
    {
        get
        {
            var data = new TheoryData<int, string>();
            foreach (var major in PostgresVersions.Requested)
            {
                data.Add(major, "session");
                data.Add(major, "transaction");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(VersionsAndPoolModes))]
    public async Task The_catalogue_scraped_through_pgbouncer_has_every_metric_a_direct_scrape_has(int major, string poolMode)
    {
        PgbouncerAvailability.Require();
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY, note text); INSERT INTO items SELECT g, 'n' FROM generate_series(1, 100) g; ANALYZE items", Cancel);
        await using var pgbouncer = await StartAsync(server, poolMode, poolSize: 2);
        string[] databases = ["postgres", database.Name];

        // Direct scrapes before and after: a metric that other tests' activity makes come or go in between
        // (an autovacuum's analyze, say) may differ, but none that both direct scrapes had may be missing.
        var before = await ScrapeAsync(server.ConnectionString, databases);
        var pooled = await ScrapeAsync(pgbouncer.ConnectionString("postgres", User, pooling: true), databases);
        var after = await ScrapeAsync(server.ConnectionString, databases);

        Assert.True(pooled.Result.IsComplete, "errors through PgBouncer:\n" + string.Join("\n", pooled.Result.Errors));
        Assert.Empty(pooled.Result.Skipped.Select(s => s.ToString()).Except(before.Result.Skipped.Concat(after.Result.Skipped).Select(s => s.ToString())));
        Assert.Equal(before.Result.ServerVersionNum, pooled.Result.ServerVersionNum);
        // The oldest open transaction is another session's: present only while some test holds one open.
        string[] otherSessions = ["postgresql.transaction.oldest.age"];
        Assert.Empty(before.MetricNames.Intersect(after.MetricNames).Except(pooled.MetricNames).Except(otherSessions));
        Assert.Empty(pooled.MetricNames.Except(before.MetricNames.Union(after.MetricNames)).Except(otherSessions));
        Assert.True(pooled.MetricNames.Count() > 20, $"a full catalogue, not a handful: {pooled.MetricNames.Count()} metrics");
        Assert.Contains(pooled.Points, p => p.Metric == "postgresql.table.size" && p.Database == database.Name && p.Table == "items");

        // Transactions went through the pooler (the admin console counts them), so this was no direct scrape.
        var stats = await pgbouncer.ShowAsync("SHOW STATS", "admin", Cancel);
        Assert.True(long.Parse(stats.Single(s => s["database"] == database.Name)["total_xact_count"]!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Theory]
    [InlineData("session")]
    [InlineData("transaction")]
    public async Task A_query_past_query_timeout_is_cancelled_by_the_server_and_the_pooled_connection_keeps_its_own_statement_timeout(string poolMode)
    {
        PgbouncerAvailability.Require();
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);

        // One server connection per pool, so the next client of the pool gets the one the scrape used.
        await using var pgbouncer = await StartAsync(server, poolMode, poolSize: 1);
        var options = new ScraperOptions { ConnectionString = pgbouncer.ConnectionString("postgres", User, pooling: false), QueryTimeout = TimeSpan.FromMilliseconds(300) };
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using (var scraper = new PostgresScraper(options, Only("lifecycle.slow", "lifecycle.backends")))
        {
            var result = await scraper.ScrapeAsync(Cancel);

            // pg_sleep(1.2) is cancelled by the server's statement_timeout, not by the client 5 s later.
            var error = Assert.Single(result.Errors);
            Assert.Equal((ScrapeErrorKind.Timeout, "slow"), (error.Kind, error.Query));
            Assert.Contains("57014", error.Message, StringComparison.Ordinal);
            Assert.Contains("statement timeout", error.Message, StringComparison.Ordinal);
            Assert.Equal("lifecycle.backends", Assert.Single(result.Metrics.Points.ToArray()).Metric.Name);
        }

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1.2), $"the slow query should stop at 300 ms, the scrape took {started.Elapsed}");
        await using var next = new NpgsqlConnection(pgbouncer.ConnectionString("postgres", User, pooling: false));
        await next.OpenAsync(Cancel);
        await using var show = new NpgsqlCommand("SHOW statement_timeout", next);
        Assert.Equal("0", await show.ExecuteScalarAsync(Cancel));
    }

    [Fact]
    public async Task A_direct_scrape_is_bounded_by_the_servers_statement_timeout_too()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[0], Cancel);
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = server.ConnectionString, QueryTimeout = TimeSpan.FromMilliseconds(300) }, Only("lifecycle.slow"));

        var error = Assert.Single((await scraper.ScrapeAsync(Cancel)).Errors);

        Assert.Equal(ScrapeErrorKind.Timeout, error.Kind);
        Assert.Contains("statement timeout", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("session")]
    [InlineData("transaction")]
    public async Task The_application_name_reaches_the_server_behind_pgbouncer(string poolMode)
    {
        PgbouncerAvailability.Require();
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var pgbouncer = await StartAsync(server, poolMode, poolSize: 2);
        var applicationName = "pgmetrics-bouncer-" + Guid.NewGuid().ToString("N")[..8];
        await using var scraper = new PostgresScraper(
            new ScraperOptions { ConnectionString = pgbouncer.ConnectionString("postgres", User, pooling: true), ApplicationName = applicationName },
            Only("lifecycle.slow"));

        // The slow query sleeps 1.2 s on the server; look for its backend meanwhile, directly on the server.
        var scrape = scraper.ScrapeAsync(Cancel);
        await using var direct = new NpgsqlConnection(server.ConnectionString);
        await direct.OpenAsync(Cancel);
        await using var find = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = @name AND query LIKE '%pg_sleep%'", direct);
        find.Parameters.AddWithValue("name", applicationName);
        long seen = 0;
        while (!scrape.IsCompleted && seen == 0)
        {
            seen = (long)(await find.ExecuteScalarAsync(Cancel))!;
            await Task.Delay(50, Cancel);
        }

        Assert.Empty((await scrape).Errors);
        Assert.Equal(1, seen);
    }

    [Theory]
    [InlineData("session")]
    [InlineData("transaction")]
    public async Task Behind_a_pool_of_one_server_connection_each_database_is_scraped_on_one_connection_and_nothing_waits_for_a_second(string poolMode)
    {
        PgbouncerAvailability.Require();
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await using var pgbouncer = await StartAsync(server, poolMode, poolSize: 1);
        // Two slow per-relation queries, which a direct scrape runs side by side on two connections
        // (LifecycleTests); here the pool has one server connection, and a second client of it would wait.
        await using var scraper = new PostgresScraper(
            new ScraperOptions
            {
                ConnectionString = pgbouncer.ConnectionString("postgres", User, pooling: true),
                Databases = [database.Name],
                ApplicationName = "pgm_pooled_" + Guid.NewGuid().ToString("N")[..8],
                QueryTimeout = TimeSpan.FromSeconds(3),
            },
            Only("lifecycle.relations_a.sessions", "lifecycle.relations_b.sessions", "lifecycle.backends"));

        for (var scrape = 1; scrape <= 2; scrape++)
        {
            var result = await scraper.ScrapeAsync(Cancel);

            Assert.Empty(result.Errors);
            var busy = result.Metrics.Points.ToArray().Where(p => p.Metric.Name.StartsWith("lifecycle.relations_", StringComparison.Ordinal)).Select(p => p.IntValue);
            Assert.Equal([1L, 1L], busy);
        }
    }

    private static Task<PgbouncerProcess> StartAsync(IPostgresServer server, string poolMode, int poolSize)
        => PgbouncerProcess.StartAsync(new PgbouncerSetup
        {
            // "*" serves every database under its own name, as a pooler in front of a whole server does.
            Databases = new Dictionary<string, string> { ["*"] = PgbouncerProcess.Target(server, database: null) },
            Users = new Dictionary<string, string> { [User] = PgbouncerProcess.SuperuserPassword(server), ["admin"] = "admin-secret" },
            AdminUsers = ["admin"],
            PoolMode = poolMode,
            DefaultPoolSize = poolSize,
        }, Cancel);

    private static Task<CollectedPoints> ScrapeAsync(string connectionString, IReadOnlyList<string> databases)
    {
        var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = connectionString, Databases = databases }, new PostgresqlMetricSet());
        return ScrapeAndDisposeAsync(scraper);

        static async Task<CollectedPoints> ScrapeAndDisposeAsync(PostgresScraper scraper)
        {
            await using (scraper)
            {
                return await CollectedPoints.ScrapeAsync(scraper, Cancel);
            }
        }
    }

    private static LifecycleMetricSet Only(params string[] metrics)
    {
        var set = new LifecycleMetricSet();
        foreach (var name in LifecycleMetricsConfig.MetricNames)
        {
            set.FindMetric(name)!.Enabled = metrics.Contains(name);
        }

        return set;
    }
}
