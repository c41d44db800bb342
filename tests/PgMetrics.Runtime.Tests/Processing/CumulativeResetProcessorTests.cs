using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Processing;

namespace PgMetrics.Runtime.Tests.Processing;

/// <summary>A cumulative counter that goes down (a reset) starts a new series with a new start time; nothing else changes.</summary>
public sealed class CumulativeResetProcessorTests
{
    private const long BufferStart = 100;

    private static MetricsBuffer Scrape(long shop, long billing, long time)
    {
        var buffer = new MetricsBuffer(BufferStart);
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer);
        builder.SetResource(postgresqlDatabaseName: "shop");
        builder.RecordPostgresqlCommitsDataPoint(time, shop);
        builder.RecordPostgresqlDbSizeDataPoint(time, 8_192);
        builder.SetResource(postgresqlDatabaseName: "billing");
        builder.RecordPostgresqlCommitsDataPoint(time, billing);
        return buffer;
    }

    private static List<(long Value, long Start, long Time)> Commits(MetricsBuffer buffer)
        => buffer.Points.ToArray().Where(p => p.Metric.Name == "postgresql.commits").Select(p => (p.IntValue, p.StartTimeUnixNano, p.TimeUnixNano)).ToList();

    [Fact]
    public void A_counter_that_went_down_starts_a_new_series_at_the_previous_scrape_and_keeps_that_start()
    {
        var processor = new CumulativeResetProcessor();
        var first = Scrape(10, 1_000, time: 1_000);
        var second = Scrape(15, 1_500, time: 2_000);
        var reset = Scrape(2, 1_600, time: 3_000);
        var after = Scrape(7, 1_700, time: 4_000);

        foreach (var buffer in new[] { first, second, reset, after })
        {
            processor.Process(buffer);
        }

        // Values are never changed; only start times say where a series begins.
        Assert.Equal([(10L, BufferStart, 1_000L), (1_000L, BufferStart, 1_000L)], Commits(first));
        Assert.Equal([(15L, BufferStart, 2_000L), (1_500L, BufferStart, 2_000L)], Commits(second));
        Assert.Equal([(2L, 2_000L, 3_000L), (1_600L, BufferStart, 3_000L)], Commits(reset));
        Assert.Equal([(7L, 2_000L, 4_000L), (1_700L, BufferStart, 4_000L)], Commits(after));
        Assert.Equal(1, processor.ResetsSeen);
    }

    [Fact]
    public void Gauges_and_non_monotonic_sums_keep_the_buffers_start_time()
    {
        var processor = new CumulativeResetProcessor();
        processor.Process(Scrape(10, 1_000, time: 1_000));
        var next = Scrape(5, 500, time: 2_000);

        processor.Process(next);

        var size = Assert.Single(next.Points.ToArray(), p => p.Metric.Name == "postgresql.db_size");
        Assert.Equal(0, size.StartTimeUnixNano);
    }

    [Fact]
    public void A_double_counter_that_went_down_starts_a_new_series_too()
    {
        var processor = new CumulativeResetProcessor();
        MetricsBuffer Time(double seconds, long time)
        {
            var buffer = new MetricsBuffer(BufferStart);
            var config = new PostgresqlMetricsConfig();
            config.Find("postgresql.query.execution.time")!.Enabled = true;
            var builder = new PostgresqlMetricsBuilder(config, buffer);
            builder.SetResource(postgresqlDatabaseName: "shop");
            builder.RecordPostgresqlQueryExecutionTimeDataPoint(time, seconds);
            return buffer;
        }

        var before = Time(12.5, 1_000);
        var reset = Time(0.25, 2_000);
        processor.Process(before);
        processor.Process(reset);

        Assert.Equal(BufferStart, Assert.Single(before.Points.ToArray()).StartTimeUnixNano);
        Assert.Equal((0.25, 1_000L), (Assert.Single(reset.Points.ToArray()).DoubleValue, Assert.Single(reset.Points.ToArray()).StartTimeUnixNano));
    }
}
