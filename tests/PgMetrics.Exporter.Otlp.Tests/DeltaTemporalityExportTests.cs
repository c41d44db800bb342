using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Processing;
using PgMetrics.TestOtlp;

namespace PgMetrics.Exporter.Otlp.Tests;

/// <summary>Cumulative counters sent as deltas: correct start times, no first-scrape spike, no negative deltas after a reset.</summary>
public sealed class DeltaTemporalityExportTests
{
    [Fact]
    public async Task Counters_become_deltas_from_the_previous_scrape_and_a_reset_is_never_negative()
    {
        await using var newRelic = new NewRelicStandIn(ExporterHarness.LicenseKey);
        using var exporter = ExporterHarness.Create(newRelic, options: ExporterHarness.Options(newRelic) with { MonotonicSumTemporality = AggregationTemporality.Delta });
        var chain = new ProcessorChain([new DeltaTemporalityProcessor()], exporter);

        // commits: 100 → 130 → 12 (pg_stat_reset in between) → 20; db_size is not monotonic and stays as it is.
        (long Time, long Commits)[] scrapes = [(1_000, 100), (2_000, 130), (3_000, 12), (4_000, 20)];
        foreach (var (time, commits) in scrapes)
        {
            var buffer = new MetricsBuffer(startTimeUnixNano: 500);
            var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer);
            builder.SetResource(postgresqlDatabaseName: "shop");
            builder.RecordPostgresqlCommitsDataPoint(time, commits);
            builder.RecordPostgresqlDbSizeDataPoint(time, commits * 10);
            chain.ConsumeMetrics(buffer);
        }

        await ExporterHarness.FlushAsync(exporter);
        var points = newRelic.Accepted.SelectMany(OtlpDecoder.Decode).ToList();

        var commitsSent = points.Where(p => p.Metric == "postgresql.commits").Select(p => (p.IntValue!.Value, p.StartTime, p.Time, p.Temporality)).ToList();
        Assert.Equal([(30L, 1_000UL, 2_000UL, 1), (12L, 2_000UL, 3_000UL, 1), (8L, 3_000UL, 4_000UL, 1)], commitsSent);
        var sizes = points.Where(p => p.Metric == "postgresql.db_size").ToList();
        Assert.Equal([1_000L, 1_300L, 120L, 200L], sizes.Select(p => p.IntValue!.Value));
        Assert.All(sizes, p => Assert.Equal(2, p.Temporality));
    }
}
