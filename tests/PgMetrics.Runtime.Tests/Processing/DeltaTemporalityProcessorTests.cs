using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Processing;

namespace PgMetrics.Runtime.Tests.Processing;

/// <summary>The delta processor keeps one baseline per series and leaves what is not a monotonic sum alone.</summary>
public sealed class DeltaTemporalityProcessorTests
{
    private static MetricsBuffer Scrape(long shop, long billing, long time = 1)
    {
        var buffer = new MetricsBuffer();
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer);
        builder.SetResource(postgresqlDatabaseName: "shop");
        builder.RecordPostgresqlCommitsDataPoint(time, shop);
        builder.SetResource(postgresqlDatabaseName: "billing");
        builder.RecordPostgresqlCommitsDataPoint(time, billing);
        return buffer;
    }

    [Fact]
    public void Series_with_different_attributes_keep_separate_baselines()
    {
        var processor = new DeltaTemporalityProcessor();
        processor.Process(Scrape(10, 1_000));
        var second = Scrape(15, 1_500);

        processor.Process(second);

        Assert.Equal([5L, 500L], second.Points.ToArray().Select(p => p.IntValue));
    }

    [Fact]
    public void A_series_first_seen_only_sets_its_baseline_and_gauges_pass_through()
    {
        var processor = new DeltaTemporalityProcessor();
        var first = Scrape(10, 1_000);
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), first);
        builder.SetResource(postgresqlDatabaseName: "shop");
        builder.RecordPostgresqlDbSizeDataPoint(1, 8_192);

        processor.Process(first);

        var point = Assert.Single(first.Points.ToArray());
        Assert.Equal(("postgresql.db_size", 8_192L), (point.Metric.Name, point.IntValue));
    }

    [Fact]
    public void A_chain_without_processors_passes_the_callers_buffer_unchanged_and_says_it_does_not_mutate()
    {
        var seen = new List<MetricsBuffer>();
        var original = Scrape(10, 20);
        var chain = new ProcessorChain([], new Sink(seen));

        chain.ConsumeMetrics(original);

        Assert.False(chain.MutatesData);
        Assert.Same(original, Assert.Single(seen));
        Assert.Equal([10L, 20L], original.Points.ToArray().Select(p => p.IntValue));
    }

    [Fact]
    public void A_chain_with_processors_changes_the_buffer_it_is_given_and_leaves_one_it_copies_unchanged()
    {
        var seen = new List<MetricsBuffer>();
        var chain = new ProcessorChain([new DeltaTemporalityProcessor()], new Sink(seen));
        chain.ConsumeMetrics(Scrape(10, 20, time: 1));

        var shared = Scrape(15, 26, time: 2);
        chain.ConsumeCopyOf(shared);
        var owned = Scrape(17, 30, time: 3);
        chain.ConsumeMetrics(owned);

        Assert.True(chain.MutatesData);
        Assert.Equal(2, seen.Count);
        Assert.NotSame(shared, seen[0]);
        Assert.Equal([15L, 26L], shared.Points.ToArray().Select(p => p.IntValue));
        Assert.Same(owned, seen[1]);
        Assert.Equal([2L, 4L], owned.Points.ToArray().Select(p => p.IntValue));
    }

    private sealed class Sink(List<MetricsBuffer> seen) : Pipeline.IMetricsConsumer
    {
        public void ConsumeMetrics(MetricsBuffer metrics) => seen.Add(metrics);
    }
}
