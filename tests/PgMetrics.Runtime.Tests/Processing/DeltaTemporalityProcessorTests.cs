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
    public void A_chain_without_processors_passes_the_callers_buffer_and_a_chain_with_them_leaves_it_unchanged()
    {
        var seen = new List<MetricsBuffer>();
        var sink = new Sink(seen);
        var original = Scrape(10, 20);
        new ProcessorChain([], sink).ConsumeMetrics(original);
        var chain = new ProcessorChain([new DeltaTemporalityProcessor()], sink);

        chain.ConsumeMetrics(Scrape(10, 20, time: 1));
        chain.ConsumeMetrics(original);

        Assert.Same(original, seen[0]);
        Assert.Equal(2, seen.Count);
        Assert.Equal([10L, 20L], original.Points.ToArray().Select(p => p.IntValue));
    }

    private sealed class Sink(List<MetricsBuffer> seen) : Pipeline.IMetricsConsumer
    {
        public void ConsumeMetrics(MetricsBuffer metrics) => seen.Add(metrics);
    }
}
