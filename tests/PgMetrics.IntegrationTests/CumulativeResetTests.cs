using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PgMetrics.Exporter.Otlp;
using PgMetrics.Exporter.Otlp.Configuration;
using PgMetrics.Exporter.Otlp.NewRelic;
using PgMetrics.IntegrationTests.Infrastructure;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Processing;
using PgMetrics.Runtime.Scraping;
using PgMetrics.TestOtlp;
using PgMetrics.TestPostgres;

namespace PgMetrics.IntegrationTests;

/// <summary>
/// pg_stat_reset() and pg_stat_statements_reset() on a real server, scraped before and after and exported as the
/// collector's <c>otlp</c> exporter builds it (cumulative) and as its <c>newrelic</c> one does (delta), to OTLP
/// stand-ins on loopback: a cumulative series never goes down under one start time, a reset starts a new one, and
/// no delta is negative.
/// </summary>
public sealed class CumulativeResetTests(QuietServers servers) : IClassFixture<QuietServers>
{
    private const string LicenseKey = "nr-reset-test-key-5e7a90c1d2NRAL";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task After_pg_stat_reset_a_cumulative_counter_starts_a_new_series_and_no_delta_is_negative(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE TABLE items (id int)", Cancel);
        await using var pipelines = await Pipelines.StartAsync(database);

        await WorkloadAsync(database, 100);
        var beforeReset = await pipelines.ScrapeAsync();
        await WorkloadAsync(database, 100);
        var lastBeforeReset = await pipelines.ScrapeAsync();
        var commits = await CommitsAsync(database);
        await database.ExecuteAsync("SELECT pg_stat_reset()", Cancel);
        // Before 15 the statistics collector applies the reset a moment later; PostgreSQL itself says when.
        await Poll.UntilAsync(() => CommitsAsync(database), value => value < commits, "pg_stat_database shows the reset", Cancel);
        var afterReset = await pipelines.ScrapeAsync();
        await WorkloadAsync(database, 10);
        await pipelines.ScrapeAsync();
        await pipelines.FlushAsync();

        var cumulative = pipelines.Cumulative(database.Name);
        AssertNoSeriesGoesDownUnderOneStartTime(cumulative);
        var series = cumulative.Where(p => p.Metric == "postgresql.commits").OrderBy(p => p.Time).ToList();
        Assert.Equal(4, series.Count);
        Assert.Equal(series[0].StartTime, series[1].StartTime);
        Assert.True(series[2].IntValue < series[1].IntValue, $"commits after the reset: {series[2].IntValue}, before: {series[1].IntValue}");
        // The new series starts at the last scrape that saw the old one, and keeps that start.
        Assert.Equal((lastBeforeReset, lastBeforeReset), (series[2].StartTime, series[3].StartTime));
        Assert.Equal((beforeReset, afterReset), (series[0].Time, series[2].Time));
        Assert.Contains(cumulative, p => p.Metric != "postgresql.commits" && p.StartTime == lastBeforeReset);
        AssertNoDeltaIsNegative(pipelines.Deltas(database.Name));
    }

    [Theory]
    [MemberData(nameof(ServerVersions.All), MemberType = typeof(ServerVersions))]
    public async Task After_pg_stat_statements_reset_query_execution_time_starts_a_new_series_and_no_delta_is_negative(int major)
    {
        var server = await servers.GetAsync(major, Cancel);
        await using var database = await TestDatabase.CreateAsync(server, Cancel);
        await database.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", Cancel);
        await using var pipelines = await Pipelines.StartAsync(database);

        await database.ExecuteAsync("SELECT pg_sleep(0.05) FROM generate_series(1, 4)", Cancel);
        await pipelines.ScrapeAsync();
        var lastBeforeReset = await pipelines.ScrapeAsync();
        // Only this database's statements, so tests running beside it on the server keep theirs.
        await database.ExecuteAsync("SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)", Cancel);
        await database.ExecuteAsync("SELECT 1", Cancel);
        await pipelines.ScrapeAsync();
        await database.ExecuteAsync("SELECT 2", Cancel);
        await pipelines.ScrapeAsync();
        await pipelines.FlushAsync();

        var cumulative = pipelines.Cumulative(database.Name);
        AssertNoSeriesGoesDownUnderOneStartTime(cumulative);
        var series = cumulative.Where(p => p.Metric == "postgresql.query.execution.time").OrderBy(p => p.Time).ToList();
        Assert.Equal(4, series.Count);
        Assert.True(series[1].DoubleValue >= 0.2, $"4 x pg_sleep(0.05) took {series[1].DoubleValue} s");
        Assert.True(series[2].DoubleValue < series[1].DoubleValue, $"after the reset: {series[2].DoubleValue} s, before: {series[1].DoubleValue} s");
        Assert.Equal((series[0].StartTime, lastBeforeReset, lastBeforeReset), (series[1].StartTime, series[2].StartTime, series[3].StartTime));
        AssertNoDeltaIsNegative(pipelines.Deltas(database.Name));
    }

    private static void AssertNoSeriesGoesDownUnderOneStartTime(List<OtlpDecoder.Point> points)
    {
        var sums = points.Where(p => p.Kind == "sum" && p.Monotonic).ToList();
        Assert.NotEmpty(sums);
        Assert.All(sums, p => Assert.Equal(2, p.Temporality));
        foreach (var series in sums.GroupBy(SeriesKey))
        {
            var ordered = series.OrderBy(p => p.Time).ToList();
            foreach (var (previous, next) in ordered.Zip(ordered.Skip(1)))
            {
                Assert.True(next.StartTime >= previous.StartTime, $"{series.Key}: the start time went back");
                if (next.StartTime == previous.StartTime)
                {
                    Assert.True(Value(next) >= Value(previous), $"{series.Key}: {Value(previous)} then {Value(next)} under one start time {next.StartTime}");
                }
                else
                {
                    // A new series starts after the old one's last point (no overlap) and before its own first point.
                    Assert.True(next.StartTime >= previous.Time && next.StartTime < next.Time, $"{series.Key}: new start time {next.StartTime}, previous point at {previous.Time}, this one at {next.Time}");
                }
            }
        }
    }

    private static void AssertNoDeltaIsNegative(List<OtlpDecoder.Point> points)
    {
        var sums = points.Where(p => p.Kind == "sum" && p.Monotonic).ToList();
        Assert.NotEmpty(sums);
        Assert.All(sums, p => Assert.Equal(1, p.Temporality));
        Assert.All(sums, p => Assert.True(Value(p) >= 0, $"{SeriesKey(p)}: delta {Value(p)}"));
    }

    private static double Value(OtlpDecoder.Point point) => point.IntValue ?? point.DoubleValue ?? 0;

    private static string SeriesKey(OtlpDecoder.Point point)
        => point.Metric + " " + string.Join(",", point.Resource.Concat(point.Attributes).Select(a => $"{a.Key}={a.Value}").Order(StringComparer.Ordinal));

    private static async Task WorkloadAsync(TestDatabase database, int transactions)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Cancel);
        for (var i = 0; i < transactions; i++)
        {
            await using var command = new NpgsqlCommand($"INSERT INTO items VALUES ({i})", connection);
            await command.ExecuteNonQueryAsync(Cancel);
        }
    }

    private static Task<long> CommitsAsync(TestDatabase database)
        => database.ScalarAsync<long>($"SELECT xact_commit FROM pg_stat_database WHERE datname = '{database.Name}'", Cancel);

    /// <summary>One scraper of the test database feeding two exporters as the collector's fan-out does: cumulative and delta.</summary>
    private sealed class Pipelines : IAsyncDisposable
    {
        private readonly PostgresScraper _scraper;
        private readonly ExporterState _state = new();
        private readonly List<(NewRelicStandIn StandIn, IExporter Exporter, ProcessorChain Chain)> _routes = [];

        private Pipelines(TestDatabase database)
        {
            var config = new PostgresqlMetricsConfig();
            config.Find("postgresql.query.execution.time")!.Enabled = true;
            // The test database is the home database too, so the instance query over pg_stat_statements finds the extension there.
            _scraper = new PostgresScraper(new ScraperOptions { ConnectionString = database.ConnectionString, Databases = [database.Name] }, new PostgresqlMetricSet(config));
        }

        public static async Task<Pipelines> StartAsync(TestDatabase database)
        {
            var pipelines = new Pipelines(database);
            foreach (var (name, temporality) in new[] { ("otlp", AggregationTemporality.Cumulative), ("otlp/delta", AggregationTemporality.Delta) })
            {
                var standIn = new NewRelicStandIn(LicenseKey);
                var options = NewRelicEndpoints.Options(LicenseKey) with { Name = name, Endpoint = standIn.Endpoint };
                var (exporter, processors) = new OtlpExportSettings { Temporality = temporality }.Create(options, AggregationTemporality.Cumulative, pipelines._state, NullLogger.Instance);
                await exporter.StartAsync(Cancel);
                pipelines._routes.Add((standIn, exporter, new ProcessorChain(processors, exporter)));
            }

            return pipelines;
        }

        /// <summary>Scrapes once and hands the points on; returns the scrape's time in Unix nanoseconds.</summary>
        public async Task<ulong> ScrapeAsync()
        {
            var result = await _scraper.ScrapeAsync(Cancel);
            Assert.Empty(result.Errors);
            var time = (ulong)result.Metrics.Points[0].TimeUnixNano;
            _routes[0].Chain.ConsumeCopyOf(result.Metrics);
            _routes[1].Chain.ConsumeMetrics(result.Metrics);
            return time;
        }

        public async Task FlushAsync()
        {
            foreach (var (_, exporter, _) in _routes)
            {
                Assert.True(await ((OtlpExporter)exporter).FlushAsync(FlushMode.Normal, Cancel));
            }
        }

        public List<OtlpDecoder.Point> Cumulative(string database) => Received(_routes[0].StandIn, database);

        public List<OtlpDecoder.Point> Deltas(string database) => Received(_routes[1].StandIn, database);

        private static List<OtlpDecoder.Point> Received(NewRelicStandIn standIn, string database)
        {
            lock (standIn.Accepted)
            {
                return standIn.Accepted.SelectMany(OtlpDecoder.Decode).Where(p => p.Resource.GetValueOrDefault("postgresql.database.name") == database).ToList();
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var (standIn, exporter, _) in _routes)
            {
                (exporter as IDisposable)?.Dispose();
                await standIn.DisposeAsync();
            }

            _state.Dispose();
            await _scraper.DisposeAsync();
        }
    }
}
