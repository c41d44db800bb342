using Npgsql;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Queries;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>Top queries and query samples scraped in process from a real server with pg_stat_statements.</summary>
public sealed partial class QueryMonitoringTests(PostgresServerPool servers)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static QueryMonitoringOptions Monitoring => new()
    {
        QuerySample = new QuerySampleOptions { Enabled = true },
        TopQuery = new TopQueryOptions { Enabled = true, TopNQuery = 50, MaxExplainEachInterval = 0 },
    };

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }

    private static async Task<Scrape> ScrapeAsync(MonitoredServer scraper)
    {
        var catalogue = await scraper.Catalogue.ScrapeAsync(Cancel);
        var catalogueBuffer = new MetricsBuffer();
        catalogueBuffer.Append(catalogue.Metrics);
        var queries = await scraper.Queries.ScrapeAsync(Cancel);
        catalogueBuffer.Append(queries.Metrics);
        var samples = await scraper.Samples.ScrapeAsync(Cancel);
        catalogueBuffer.Append(samples.Metrics);
        return new Scrape(catalogueBuffer, catalogue with { Errors = [.. catalogue.Errors, .. queries.Errors, .. samples.Errors] }, [.. queries.Logs.Records, .. samples.Logs.Records]);
    }

    /// <summary>Points with their resource and point attributes together: top queries carry their database as a resource attribute.</summary>
    private static List<(string Metric, Dictionary<string, string> Attributes, double Value)> Points(MetricsBuffer buffer)
        => buffer.Points.ToArray().Select(p => (
            p.Metric.Name,
            buffer.Resources[p.ResourceIndex].Concat(buffer.GetAttributes(p).ToArray()).ToDictionary(a => a.Key, a => a.FormatValue()),
            p.AsDouble())).ToList();

    private static MonitoredServer Monitor(string connectionString, string database)
        => new(new ScraperOptions { ConnectionString = connectionString, Databases = [database], QueryMonitoring = Monitoring });

    private sealed record Scrape(MetricsBuffer Buffer, ScrapeResult Result, IReadOnlyList<LogRecordData> Events);

    /// <summary>The catalogue and query performance scrapers of one server over shared connections, as a receiver runs them.</summary>
    private sealed class MonitoredServer : IAsyncDisposable
    {
        private readonly ServerConnections _connections;

        public MonitoredServer(ScraperOptions options)
        {
            var catalogue = new PostgresqlMetricSet();
            _connections = new ServerConnections(options);
            Catalogue = new PostgresScraper(options, catalogue, _connections);
            var statementTexts = new StatementTexts();
            Queries = new TopQueryScraper(options.QueryMonitoring.TopQuery, _connections, catalogue, options.QueryTimeout, statementTexts);
            Samples = new QuerySampleScraper(options.QueryMonitoring.QuerySample, _connections, catalogue, statementTexts);
        }

        public PostgresScraper Catalogue { get; }

        public TopQueryScraper Queries { get; }

        public QuerySampleScraper Samples { get; }

        public async ValueTask DisposeAsync()
        {
            await Catalogue.DisposeAsync();
            await Queries.DisposeAsync();
            await Samples.DisposeAsync();
            await _connections.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_scripted_workload_shows_up_as_top_queries_with_deltas_and_its_fingerprint(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, 'n' FROM generate_series(1, 100) g", Cancel);
        await using var scraper = Monitor(database.ConnectionString, database.Name);

        // A monitor's first scrape counts every statement since the server started, other tests' too, and the
        // slowest of those would fill the top N; it is the baseline, and the workload's deltas come after it.
        await ScrapeAsync(scraper);
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync(Cancel);
            for (var i = 1; i <= 40; i++)
            {
                await using var query = new NpgsqlCommand($"SELECT note FROM orders WHERE id = {i}", connection);
                await query.ExecuteScalarAsync(Cancel);
            }
        }

        var first = await ScrapeAsync(scraper);
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync(Cancel);
            for (var i = 1; i <= 15; i++)
            {
                await using var query = new NpgsqlCommand($"SELECT note FROM orders WHERE id = {i * 3}", connection);
                await query.ExecuteScalarAsync(Cancel);
            }
        }

        var second = await ScrapeAsync(scraper);

        var expected = QueryFingerprinter.Fingerprint("SELECT note FROM orders WHERE id = 99");
        double Calls(MetricsBuffer buffer) => Points(buffer).Single(p => p.Metric == "postgresql.query.calls" && p.Attributes["db.query.fingerprint"] == expected.Hex && p.Attributes["postgresql.database.name"] == database.Name).Value;
        Assert.Empty(first.Result.Errors);
        Assert.Equal(40, Calls(first.Buffer));
        Assert.Equal(15, Calls(second.Buffer));
        var text = Points(second.Buffer).First(p => p.Attributes.GetValueOrDefault("db.query.fingerprint") == expected.Hex).Attributes["db.query.text"];
        Assert.Equal("SELECT note FROM orders WHERE id = $1", text);
        Assert.Contains(Points(second.Buffer), p => p.Metric == "postgresql.query.total_time" && p.Attributes["db.query.fingerprint"] == expected.Hex && p.Value > 0);

        // The collector's own catalogue queries run in this database too, but are never reported as top queries.
        // (Only this database's: CatalogueCoverageTests runs the catalogue's SQL unmarked in databases of its own.)
        Assert.DoesNotContain(Points(first.Buffer).Concat(Points(second.Buffer)), p => p.Attributes.GetValueOrDefault("postgresql.database.name") == database.Name
            && p.Attributes.TryGetValue("db.query.text", out var query)
            && (query.Contains("pg_stat_user_tables", StringComparison.Ordinal) || query.Contains("FROM pg_stat_statements", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task After_pg_stat_statements_reset_the_delta_counts_from_zero_and_is_never_negative(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; CREATE TABLE items (id int)", Cancel);
        await using var scraper = Monitor(database.ConnectionString, database.Name);
        var fingerprint = QueryFingerprinter.Fingerprint("SELECT count(*) FROM items WHERE id > 1").Hex;
        async Task RunAsync(int times)
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(Cancel);
            for (var i = 0; i < times; i++)
            {
                await using var command = new NpgsqlCommand($"SELECT count(*) FROM items WHERE id > {i}", connection);
                await command.ExecuteScalarAsync(Cancel);
            }
        }

        await RunAsync(30);
        await ScrapeAsync(scraper);
        await database.ExecuteAsync("SELECT pg_stat_statements_reset()", Cancel);
        await RunAsync(5);
        var buffer = (await ScrapeAsync(scraper)).Buffer;

        var calls = Points(buffer).Where(p => p.Metric == "postgresql.query.calls" && p.Attributes["db.query.fingerprint"] == fingerprint).ToList();
        Assert.Equal(5, Assert.Single(calls).Value);
        Assert.All(Points(buffer).Where(p => p.Metric.StartsWith("postgresql.query.", StringComparison.Ordinal)), p => Assert.True(p.Value >= 0, $"{p.Metric} = {p.Value}"));
    }

    [Fact]
    public async Task A_long_query_cut_by_track_activity_query_size_is_sampled_as_truncated_without_its_literal()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE EXTENSION pg_stat_statements", Cancel);
        await using var scraper = Monitor(database.ConnectionString, database.Name);
        await using var sleeper = new NpgsqlConnection(database.ConnectionString);
        await sleeper.OpenAsync(Cancel);
        var sleeperPid = sleeper.ProcessID;
        var complete = $"SELECT pg_sleep(30), length('hunter2-{new string('a', 1_500)}')";
        var running = new NpgsqlCommand(complete, sleeper).ExecuteScalarAsync(Cancel);
        await Task.Delay(1_500, Cancel);

        var scrape = await ScrapeAsync(scraper);
        await ExecuteAsync(database.ConnectionString, $"SELECT pg_cancel_backend({sleeperPid})");
        await Assert.ThrowsAsync<PostgresException>(() => running);

        Assert.Empty(scrape.Result.Errors);
        var sample = Assert.Single(scrape.Events, e => e.EventName == "db.server.query_sample" && e.Attributes.Any(a => a.Key == "postgresql.pid" && a.IntValue == sleeperPid));
        var text = sample.Attributes.Single(a => a.Key == "db.query.text").StringValue;
        Assert.Equal("SELECT pg_sleep($1), length($2" + QueryFingerprinter.TruncatedMarker, text);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.NotEqual(QueryFingerprinter.Fingerprint(complete).Hex, sample.Attributes.Single(a => a.Key == "db.query.fingerprint").StringValue);
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task A_sample_joins_its_top_query_by_query_id_on_14_and_later_even_when_its_text_was_cut(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", Cancel);
        await using var scraper = Monitor(database.ConnectionString, database.Name);
        await using var sleeper = new NpgsqlConnection(database.ConnectionString);
        await sleeper.OpenAsync(Cancel);
        var sleeperPid = sleeper.ProcessID;

        // Longer than track_activity_query_size (1 kB), so pg_stat_activity shows it cut; pg_stat_statements keeps it
        // whole, from the statement's first completed run on (a statement still in its first run has no entry yet).
        var statement = $"SELECT pg_sleep(60), length('hunter2-{new string('a', 1_500)}')";
        await ExecuteAsync(database.ConnectionString, statement.Replace("pg_sleep(60)", "pg_sleep(0)", StringComparison.Ordinal));
        var running = new NpgsqlCommand(statement, sleeper).ExecuteScalarAsync(Cancel);
        await Task.Delay(1_500, Cancel);

        var scrape = await ScrapeAsync(scraper);
        await ExecuteAsync(database.ConnectionString, $"SELECT pg_cancel_backend({sleeperPid})");
        await Assert.ThrowsAsync<PostgresException>(() => running);

        Assert.Empty(scrape.Result.Errors);
        var sample = Attributes(Assert.Single(scrape.Events, e => e.EventName == "db.server.query_sample" && e.Attributes.Any(a => a.Key == "postgresql.pid" && a.IntValue == sleeperPid)));
        Assert.DoesNotContain("hunter2", sample["db.query.text"], StringComparison.Ordinal);
        var complete = QueryFingerprinter.Fingerprint(statement);
        if (major >= 14)
        {
            // The oracle: the server's own query id of the session is the one pg_stat_statements files the statement under.
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(Cancel);
            var serverText = (string)(await new NpgsqlCommand($"SELECT query FROM pg_stat_statements WHERE queryid = {sample["postgresql.query_id"]}", connection).ExecuteScalarAsync(Cancel))!;
            Assert.Equal(QueryFingerprinter.Fingerprint(serverText).Hex, sample["db.query.fingerprint"]);
            Assert.Equal(complete.Hex, sample["db.query.fingerprint"]);
            Assert.Equal(complete.NormalizedText, sample["db.query.text"]);
        }
        else
        {
            // No query id before 14: the cut text is fingerprinted as cut, never as the complete statement.
            Assert.Equal(string.Empty, sample["postgresql.query_id"]);
            Assert.NotEqual(complete.Hex, sample["db.query.fingerprint"]);
            Assert.EndsWith(QueryFingerprinter.TruncatedMarker, sample["db.query.text"], StringComparison.Ordinal);
        }
    }

    private static Dictionary<string, string> Attributes(LogRecordData record)
        => record.Attributes.ToDictionary(a => a.Key, a => a.FormatValue(), StringComparer.Ordinal);

    [Fact]
    public async Task Without_pg_stat_statements_it_says_so_once_and_collects_the_rest()
    {
        var server = await servers.GetAsync(PostgresVersions.Requested[^1], Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await using var scraper = Monitor(database.ConnectionString, database.Name);

        var first = await ScrapeAsync(scraper);
        var second = await ScrapeAsync(scraper);

        var missing = Assert.Single(first.Result.Errors);
        Assert.Equal("top_queries", missing.Query);
        Assert.Contains("pg_stat_statements is not installed", missing.Message, StringComparison.Ordinal);
        Assert.Empty(second.Result.Errors);
        Assert.Contains(Points(second.Buffer), p => p.Metric == "postgresql.commits");
    }
}
