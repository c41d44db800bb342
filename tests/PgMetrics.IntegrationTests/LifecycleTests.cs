using Npgsql;
using PgMetrics.IntegrationTests.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>Scheduling, timeouts, partial scrapes and shutdown, against a real server.</summary>
public sealed class LifecycleTests(PostgresServerPool servers)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static LifecycleMetricSet Only(params string[] metrics)
    {
        var set = new LifecycleMetricSet();
        foreach (var name in LifecycleMetricsConfig.MetricNames)
        {
            set.FindMetric(name)!.Enabled = metrics.Contains(name);
        }

        return set;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Per_database_queries_run_in_at_most_max_concurrent_databases_at_once(int limit)
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var databases = await TestDatabases.CreateAsync(server, 4);

        // Each database's query sleeps, then counts this scraper's busy sessions (its own application name).
        await using var scraper = new PostgresScraper(
            new ScraperOptions { ConnectionString = server.ConnectionString, Databases = databases.Names, MaxConcurrentDatabases = limit, ApplicationName = "pgm_gate_" + Guid.NewGuid().ToString("N")[..8] },
            Only("lifecycle.concurrent_databases"));
        var result = await scraper.ScrapeAsync(Cancel);
        var buffer = result.Metrics;

        Assert.Empty(result.Errors);
        var counts = buffer.Points.ToArray().Select(p => p.IntValue).ToList();
        Assert.Equal(4, counts.Count);
        // Never more than the limit; and more than the smaller limit allows when the limit is 4, so the gate really widens.
        Assert.InRange(counts.Max(), Math.Min(limit, 3), limit);
    }

    [Theory]
    [InlineData(4, null, 2)]
    [InlineData(1, null, 1)]
    [InlineData(4, 3, 1)] // the database's pool is shared with query monitoring: under 4, one connection
    public async Task A_database_s_slow_queries_run_on_two_connections_only_when_a_slot_of_max_concurrent_databases_is_free(int limit, int? maxOpen, long busySessions)
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var database = await Infrastructure.TestDatabase.CreateAsync(server, Cancel);
        await using var scraper = new PostgresScraper(
            new ScraperOptions
            {
                ConnectionString = server.ConnectionString,
                Databases = [database.Name],
                MaxConcurrentDatabases = limit,
                ConnectionPool = new ConnectionPoolOptions { MaxOpen = maxOpen },
                ApplicationName = "pgm_lanes_" + Guid.NewGuid().ToString("N")[..8],
            },
            Only("lifecycle.relations_a.sessions", "lifecycle.relations_b.sessions"));

        // The first scrape plans from the SQL alone (both queries bind @relation_limit); the second from the first's durations.
        for (var scrape = 1; scrape <= 2; scrape++)
        {
            var result = await scraper.ScrapeAsync(Cancel);

            Assert.Empty(result.Errors);
            var busy = result.Metrics.Points.ToArray().ToDictionary(p => p.Metric.Name, p => p.IntValue);
            Assert.Equal(new Dictionary<string, long> { ["lifecycle.relations_a.sessions"] = busySessions, ["lifecycle.relations_b.sessions"] = busySessions }, busy);
        }
    }

    [Fact]
    public async Task A_second_connection_never_takes_the_slot_of_a_database_still_waiting_for_its_first()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var databases = await TestDatabases.CreateAsync(server, 4);

        // Four databases through two slots: the first two take them, the last two wait, and by the time
        // they have theirs no slot is spare. So no database may run its two slow queries side by side,
        // neither with new connections (scrape 1) nor with pooled ones that open at once (scrape 2).
        await using var scraper = new PostgresScraper(
            new ScraperOptions { ConnectionString = server.ConnectionString, Databases = databases.Names, MaxConcurrentDatabases = 2, ApplicationName = "pgm_spare_" + Guid.NewGuid().ToString("N")[..8] },
            Only("lifecycle.relations_a.sessions", "lifecycle.relations_b.sessions"));
        for (var scrape = 1; scrape <= 2; scrape++)
        {
            var result = await scraper.ScrapeAsync(Cancel);

            Assert.Empty(result.Errors);
            Assert.Equal(Enumerable.Repeat(1L, 8), result.Metrics.Points.ToArray().Select(p => p.IntValue));
        }
    }

    [Fact]
    public async Task Tables_and_indexes_scraped_on_two_connections_give_the_same_series_as_on_one()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var database = await Infrastructure.TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync(string.Concat(Enumerable.Range(0, 40).Select(i =>
            $"CREATE TABLE lane_{i} (id int PRIMARY KEY, v text); CREATE INDEX lane_{i}_v ON lane_{i} (v); INSERT INTO lane_{i} SELECT g, g::text FROM generate_series(1, {i + 1}) g;")), Cancel);

        // A fresh scraper plans two lanes for table_stats and index_stats; max_concurrent_databases: 1 leaves no slot for the second.
        var twoLanes = await RelationSeriesAsync(limit: 4);
        var oneLane = await RelationSeriesAsync(limit: 1);

        Assert.Equal(40, twoLanes.Count(s => s.StartsWith("postgresql.table.size ", StringComparison.Ordinal)));
        Assert.Equal(40 * 2, twoLanes.Count(s => s.StartsWith("postgresql.index.size ", StringComparison.Ordinal)));
        Assert.Equal(oneLane, twoLanes);

        async Task<List<string>> RelationSeriesAsync(int limit)
        {
            await using var scraper = new PostgresScraper(
                new ScraperOptions { ConnectionString = server.ConnectionString, Databases = [database.Name], MaxConcurrentDatabases = limit },
                new PgMetrics.Runtime.Metadata.PostgresqlMetricSet());
            var result = await scraper.ScrapeAsync(Cancel);
            Assert.Empty(result.Errors);
            var buffer = result.Metrics;
            // Series of tables and indexes, not values: the statistics may move between the two scrapes, and
            // database-wide series (locks, sessions) with them, while the tables and indexes do not.
            return [.. buffer.Points.ToArray()
                .Where(p => buffer.Resources[p.ResourceIndex].Any(a => a.Key == "postgresql.table.name"))
                .Select(p => $"{p.Metric.Name} {string.Join(",", buffer.Resources[p.ResourceIndex])} {string.Join(",", buffer.GetAttributes(p).ToArray())}")
                .Order(StringComparer.Ordinal)];
        }
    }

    [Fact]
    public async Task The_pool_and_buffer_of_a_dropped_database_are_released_at_the_next_scrape()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var kept = await Infrastructure.TestDatabase.CreateAsync(server, Cancel);
        var dropped = await Infrastructure.TestDatabase.CreateAsync(server, Cancel);
        await using var scraper = new PostgresScraper(
            new ScraperOptions { ConnectionString = server.ConnectionString, Databases = [kept.Name, dropped.Name] }, new PgMetrics.Runtime.Metadata.PostgresqlMetricSet());

        await scraper.ScrapeAsync(Cancel);
        Assert.Contains(dropped.Name, scraper.HeldDatabases);
        await dropped.DisposeAsync();
        var result = await scraper.ScrapeAsync(Cancel);

        Assert.Empty(result.Errors);
        Assert.DoesNotContain(dropped.Name, result.Databases);
        Assert.DoesNotContain(dropped.Name, scraper.HeldDatabases);
        Assert.Contains(kept.Name, scraper.HeldDatabases);
    }

    [Fact]
    public async Task Rows_with_an_undeclared_enum_value_are_counted_in_the_result_and_record_nothing()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = server.ConnectionString }, Only("lifecycle.states"));
        var result = await scraper.ScrapeAsync(Cancel);
        var buffer = result.Metrics;

        Assert.Empty(result.Errors);
        var rejected = Assert.Single(result.RejectedValues);
        Assert.Equal(("states", "state", 2), (rejected.Query, rejected.Column, rejected.Rows));
        Assert.DoesNotContain("mystery", rejected.ToString(), StringComparison.Ordinal);
        var recorded = buffer.Points.ToArray().Select(p => (buffer.GetAttributes(p)[0].StringValue, p.IntValue)).Order().ToArray();
        Assert.Equal([("active", 3L), ("idle", 2L)], recorded);
        var (reported, _) = new ScrapeProblemLog().Update(result);
        Assert.Contains(reported, problem => problem.Contains("'state'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scrapes_never_overlap_when_one_outlasts_the_interval()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = server.ConnectionString }, Only("lifecycle.slow"));
        var running = 0;
        var mostAtOnce = 0;
        var scrapes = 0;
        var controller = new ScraperController(scraper, new ScraperControllerOptions { CollectionInterval = TimeSpan.FromMilliseconds(200), InitialDelay = TimeSpan.Zero, Timeout = TimeSpan.FromSeconds(10) }, async (result, token) =>
        {
            var now = Interlocked.Increment(ref running);
            mostAtOnce = Math.Max(mostAtOnce, now);
            Interlocked.Increment(ref scrapes);
            await Task.Yield();
            Interlocked.Decrement(ref running);
        });

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await controller.RunAsync(stop.Token);

        // Each scrape sleeps 1.2 s on the server; 200 ms ticks must wait for it instead of piling up
        // (the last scrape is cancelled by the stop, and still reported).
        Assert.Equal(1, mostAtOnce);
        Assert.InRange(scrapes, 2, 3);
    }

    [Fact]
    public async Task A_scrape_that_outlasts_its_timeout_is_cancelled_and_reported_as_a_timeout()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = server.ConnectionString }, Only("lifecycle.slow"));
        var controller = new ScraperController(scraper, new ScraperControllerOptions { CollectionInterval = TimeSpan.FromSeconds(10), Timeout = TimeSpan.FromMilliseconds(300) }, (_, _) => ValueTask.CompletedTask);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await controller.ScrapeOnceAsync(Cancel);

        Assert.Equal(ScrapeErrorKind.Timeout, Assert.Single(result.Errors).Kind);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(1.2), $"the scrape should stop at its timeout, took {started.Elapsed}");
    }

    [Fact]
    public async Task A_partial_scrape_keeps_what_succeeded_and_names_the_query_that_failed()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = server.ConnectionString }, Only("lifecycle.broken", "lifecycle.backends"));
        var result = await scraper.ScrapeAsync(Cancel);
        var buffer = result.Metrics;

        var error = Assert.Single(result.Errors);
        Assert.Equal((ScrapeErrorKind.Query, "broken"), (error.Kind, error.Query));
        Assert.Contains("22012", error.Message, StringComparison.Ordinal);
        Assert.Equal("lifecycle.backends", Assert.Single(buffer.Points.ToArray()).Metric.Name);
    }

    [Fact]
    public async Task A_session_the_server_terminates_mid_scrape_ends_that_scrape_with_a_connection_error_instead_of_throwing()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var scraper = new PostgresScraper(new ScraperOptions { ConnectionString = server.ConnectionString }, Only("lifecycle.terminated", "lifecycle.backends"));

        // What a server restart does to a scrape in progress: the session ends under the query. The queries
        // after it must not run on the closed connection (that threw out of the scrape and ended the
        // receiver's schedule), and the next scrape opens a new connection (and is terminated again).
        var first = await scraper.ScrapeAsync(Cancel);
        var second = await scraper.ScrapeAsync(Cancel);

        foreach (var result in new[] { first, second })
        {
            var error = Assert.Single(result.Errors);
            Assert.Equal((ScrapeErrorKind.Connection, "terminated"), (error.Kind, error.Query));
            Assert.Contains("57P01", error.Message, StringComparison.Ordinal);
            Assert.Empty(result.Metrics.Points.ToArray());
        }
    }

    [Fact]
    public async Task A_receiver_starts_scraping_and_on_shutdown_closes_its_connections()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        // A name of its own, so the scrapers of tests running beside this one are not counted.
        var applicationName = "pgmetrics-lifecycle-" + Guid.NewGuid().ToString("N")[..8];
        var scraped = new TaskCompletionSource();
        var receiver = new PostgresReceiver("postgresql/test", new ScraperOptions { ConnectionString = server.ConnectionString, ApplicationName = applicationName }, new ScraperControllerOptions { CollectionInterval = TimeSpan.FromMilliseconds(300), InitialDelay = TimeSpan.Zero }, Only("lifecycle.backends"), new Signal(scraped), new Signal(scraped));

        await receiver.StartAsync(Cancel);
        await scraped.Task.WaitAsync(TimeSpan.FromSeconds(20), Cancel);
        await receiver.ShutdownAsync(Cancel);

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{applicationName}'", connection);
        Assert.NotNull(receiver.LastResult);

        // A backend ends a moment after its client closes the connection; wait for that, within reason.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        long open;
        while ((open = (long)(await count.ExecuteScalarAsync(Cancel))!) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Cancel);
        }

        Assert.Equal(0L, open);
    }

    /// <summary>A consumer that only notes that something arrived.</summary>
    private sealed class Signal(TaskCompletionSource arrived) : Runtime.Pipeline.IMetricsConsumer, Runtime.Pipeline.ILogsConsumer
    {
        public void ConsumeMetrics(MetricsBuffer metrics) => arrived.TrySetResult();

        public void ConsumeLogs(Runtime.Logs.LogBatch logs) => arrived.TrySetResult();
    }

    /// <summary>Test databases made for one test and dropped after it.</summary>
    private sealed class TestDatabases : IAsyncDisposable
    {
        private readonly List<Infrastructure.TestDatabase> _databases = [];

        public IReadOnlyList<string> Names => [.. _databases.Select(d => d.Name)];

        public static async Task<TestDatabases> CreateAsync(IPostgresServer server, int count)
        {
            var databases = new TestDatabases();
            try
            {
                for (var i = 0; i < count; i++)
                {
                    databases._databases.Add(await Infrastructure.TestDatabase.CreateAsync(server, Cancel));
                }

                return databases;
            }
            catch
            {
                await databases.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var database in _databases)
            {
                await database.DisposeAsync();
            }
        }
    }
}
