using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Queries;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// One budget of connections per server (<c>connection_pool.max_server_connections</c>), idle ones counted, shared by the
/// catalogue and the query scrapers: the collector's pools never hold more connections, every database is still
/// scraped, and no idle connection keeps a plain <c>DROP DATABASE</c> from going through.
/// </summary>
public sealed class ConnectionBudgetTests(PostgresServerPool servers)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Thirty_databases_are_scraped_with_never_more_sessions_than_max_server_connections(int version)
    {
        const int budget = 3;
        var server = await servers.GetAsync(version, Cancel);
        var databases = new List<TestDatabase>();
        try
        {
            for (var i = 0; i < 30; i++)
            {
                databases.Add(await TestDatabase.CreateAsync(server, Cancel));
            }

            var application = "pgm_budget_" + Guid.NewGuid().ToString("N")[..8];
            var options = new ScraperOptions
            {
                ConnectionString = server.ConnectionString,
                Databases = [.. databases.Select(d => d.Name)],
                ApplicationName = application,
                MaxConcurrentDatabases = 4,
                ConnectionPool = new ConnectionPoolOptions { MaxServerConnections = budget },
                QueryMonitoring = new QueryMonitoringOptions { QuerySample = new QuerySampleOptions { Enabled = true } },
            };
            var catalogue = new PostgresqlMetricSet(new PostgresqlMetricsConfig());
            await using var connections = new ServerConnections(options);
            await using var scraper = new PostgresScraper(options, catalogue, connections);
            await using var querySamples = new QuerySampleScraper(options.QueryMonitoring.QuerySample, connections, catalogue);
            Assert.Equal(budget, connections.MaxServerConnections);

            // Connections are counted all along, while the catalogue and the samples scrape side by side and between scrapes:
            // on the client, what Npgsql's pools of this collector hold (its own db.client.connection.count, idle and used),
            // and on the server, the sessions pg_stat_activity lists under the collector's application name.
            using var pools = new NpgsqlPoolCounter(application);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
            var samples = new List<(int[] Sessions, long Held)>();
            var sampling = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    samples.Add((await SessionsOfAsync(server, application), pools.Held()));
                }
            }, CancellationToken.None);

            for (var round = 0; round < 3; round++)
            {
                var catalogueScrape = scraper.ScrapeAsync(Cancel);
                var sampleScrape = querySamples.ScrapeAsync(Cancel);
                var result = await catalogueScrape;
                Assert.Empty((await sampleScrape).Errors);
                Assert.Empty(result.Errors);
                var scraped = result.Metrics.Points.ToArray().Where(p => p.Metric.Name == "postgresql.table.count")
                    .Select(p => result.Metrics.Resources[p.ResourceIndex].Single(a => a.Key == "postgresql.database.name").FormatValue()).Order().ToList();
                Assert.Equal(databases.Select(d => d.Name).Order(), scraped);
                await Task.Delay(300, Cancel);
            }

            await stop.CancelAsync();
            await sampling;
            Assert.NotEmpty(samples);
            Assert.True(samples.Max(s => s.Sessions.Length) > 0, "the sampling should see the collector's sessions");
            Assert.True(samples.Max(s => s.Held) > 0, "the pool counter should see the collector's connections");

            // The budget is what the collector holds: never more than `budget` connections open at once. The server's list
            // is not that count: a backend the client has closed stays listed until it reads the Terminate message, which
            // on a loaded machine can take several samples, so it cannot tell a closing backend from a held one.
            for (var i = 0; i < samples.Count; i++)
            {
                Assert.True(samples[i].Held <= budget, $"at most {budget} connections held at once; sample {i} of {samples.Count}: {samples[i].Held}, sessions {string.Join(",", samples[i].Sessions)}");
            }
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_plain_DROP_DATABASE_of_a_scraped_database_succeeds_while_the_collector_scrapes(int version)
    {
        var server = await servers.GetAsync(version, Cancel);
        var database = await TestDatabase.CreateAsync(server, Cancel);
        await using var scraper = new PostgresScraper(
            new ScraperOptions { ConnectionString = server.ConnectionString, Databases = [database.Name], ApplicationName = "pgm_drop_" + Guid.NewGuid().ToString("N")[..8] },
            new PostgresqlMetricSet(new PostgresqlMetricsConfig()));
        Assert.Empty((await scraper.ScrapeAsync(Cancel)).Errors);

        // Scrapes go on every 200 ms while the database is dropped, as a collector's schedule does.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        var scraping = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await scraper.ScrapeAsync(CancellationToken.None);
                await Task.Delay(200, CancellationToken.None);
            }
        }, CancellationToken.None);
        try
        {
            await DropAsync(server, database.Name);
        }
        finally
        {
            await stop.CancelAsync();
            await scraping;
        }

        // A scrape that began before the drop may have held the database again; the next lets it go.
        await scraper.ScrapeAsync(Cancel);
        Assert.DoesNotContain(database.Name, scraper.HeldDatabases);
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_plain_DROP_DATABASE_right_after_a_scrape_succeeds_before_the_next(int version)
    {
        var server = await servers.GetAsync(version, Cancel);
        var database = await TestDatabase.CreateAsync(server, Cancel);
        await using var scraper = new PostgresScraper(
            new ScraperOptions { ConnectionString = server.ConnectionString, Databases = [database.Name], ApplicationName = "pgm_drop_" + Guid.NewGuid().ToString("N")[..8] },
            new PostgresqlMetricSet(new PostgresqlMetricsConfig()));
        Assert.Empty((await scraper.ScrapeAsync(Cancel)).Errors);

        // No scrape follows (a 60 s interval): the idle connection to the database must close on its own while DROP DATABASE waits for it.
        await DropAsync(server, database.Name);
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task Connections_used_every_interval_stay_open_and_close_once_unused_for_max_idle_time(int version)
    {
        var server = await servers.GetAsync(version, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        var application = "pgm_idle_" + Guid.NewGuid().ToString("N")[..8];
        await using var scraper = new PostgresScraper(
            new ScraperOptions
            {
                ConnectionString = server.ConnectionString,
                Databases = [database.Name],
                ApplicationName = application,
                ConnectionPool = new ConnectionPoolOptions { MaxIdleTime = TimeSpan.FromSeconds(2) },
            },
            new PostgresqlMetricSet(new PostgresqlMetricsConfig()));

        // Scraped every 500 ms for three times max_idle_time: the same backends serve every scrape (none closed and opened
        // again for having been idle a moment between scrapes, which Npgsql's own pruning did).
        var most = 0;
        var seen = new HashSet<int>();
        for (var scrape = 0; scrape < 12; scrape++)
        {
            Assert.Empty((await scraper.ScrapeAsync(Cancel)).Errors);
            var sessions = await SessionsOfAsync(server, application);
            most = Math.Max(most, sessions.Length);
            seen.UnionWith(sessions);
            await Task.Delay(500, Cancel);
        }

        Assert.True(most > 0, "the collector's sessions should be listed");
        Assert.True(seen.Count == most, $"{seen.Count} backends served the scrapes, never more than {most} at once: a connection was closed and opened again");

        // Unused, they close once max_idle_time has passed.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await SessionsOfAsync(server, application)).Length > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the idle connections should close about 2 s after the last scrape");
            await Task.Delay(200, Cancel);
        }
    }

    /// <summary>A plain DROP DATABASE (no FORCE), which waits up to 5 s for other sessions to leave and then fails with 55006.</summary>
    private static async Task DropAsync(IPostgresServer server, string database)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var drop = new NpgsqlCommand($"DROP DATABASE {database}", connection) { CommandTimeout = 60 };
        await drop.ExecuteNonQueryAsync(Cancel);
    }

    /// <summary>The backend pids of the collector's sessions in one read of pg_stat_activity.</summary>
    private static async Task<int[]> SessionsOfAsync(IPostgresServer server, string application)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand("SELECT coalesce(array_agg(pid), '{}') FROM pg_stat_activity WHERE application_name = @application", connection);
        command.Parameters.AddWithValue("application", application);
        return (int[])(await command.ExecuteScalarAsync(Cancel))!;
    }
}
