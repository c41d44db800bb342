using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Processing;

namespace PgMetrics.Hosting.Tests;

/// <summary>The fan-out copies a scrape only for routes that change it, and never for the last of them.</summary>
public sealed class MetricsFanOutTests
{
    private static MetricsBuffer Scrape(long commits, long time)
    {
        var buffer = new MetricsBuffer();
        var builder = new PostgresqlMetricsBuilder(new PostgresqlMetricsConfig(), buffer);
        builder.SetResource(postgresqlDatabaseName: "shop");
        builder.RecordPostgresqlCommitsDataPoint(time, commits);
        return buffer;
    }

    private static MetricsFanOut.Route Route(Recorder exporter, bool delta, bool selfMetrics = false)
        => new(exporter, new ProcessorChain(delta ? [new DeltaTemporalityProcessor()] : [], exporter), selfMetrics);

    [Fact]
    public void Readers_see_the_scrape_first_every_changing_route_but_the_last_gets_a_copy_and_the_last_gets_the_scrape_itself()
    {
        var first = new Recorder("first delta");
        var reader = new Recorder("cumulative");
        var last = new Recorder("last delta");
        var fanOut = new MetricsFanOut([Route(first, delta: true), Route(reader, delta: false), Route(last, delta: true)]);
        fanOut.ConsumeMetrics(Scrape(100, time: 1));

        var scrape = Scrape(130, time: 2);
        fanOut.ConsumeMetrics(scrape);

        Assert.True(fanOut.MutatesData);
        Assert.Equal([100L, 130L], reader.Values);
        Assert.Same(scrape, reader.Buffers[^1]);
        Assert.Equal([30L], first.Values);
        Assert.NotSame(scrape, first.Buffers[^1]);
        Assert.Equal([30L], last.Values);
        Assert.Same(scrape, last.Buffers[^1]);
        Assert.Equal(["cumulative", "first delta", "last delta"], Recorder.Order.Skip(Recorder.Order.Count - 3));
    }

    [Fact]
    public void Without_processors_no_route_changes_or_copies_the_scrape()
    {
        var one = new Recorder("one");
        var two = new Recorder("two");
        var fanOut = new MetricsFanOut([Route(one, delta: false), Route(two, delta: false)]);
        var scrape = Scrape(100, time: 1);

        fanOut.ConsumeMetrics(scrape);

        Assert.False(fanOut.MutatesData);
        Assert.Same(scrape, one.Buffers.Single());
        Assert.Same(scrape, two.Buffers.Single());
    }

    [Fact]
    public void Self_metrics_go_only_to_routes_that_export_them_and_the_last_of_those_gets_them_uncopied()
    {
        var app = new Recorder("app only");
        var self = new Recorder("self");
        var fanOut = new MetricsFanOut([Route(app, delta: true), Route(self, delta: true, selfMetrics: true)]);
        fanOut.ConsumeSelfMetrics(Scrape(1, time: 1));
        var report = Scrape(4, time: 2);

        fanOut.ConsumeSelfMetrics(report);

        Assert.Empty(app.Buffers);
        Assert.Same(report, self.Buffers.Single());
        Assert.Equal([3L], self.Values);
    }

    /// <summary>An exporter that records the buffers it was handed and the values in them when it was.</summary>
    private sealed class Recorder(string name) : IExporter
    {
        [ThreadStatic]
        private static List<string>? _order;

        public static List<string> Order => _order ??= [];

        public string Name => name;

        public List<MetricsBuffer> Buffers { get; } = [];

        public List<long> Values { get; } = [];

        public string Summary => "";

        public IReadOnlyList<string> ReadinessProblems => [];

        public void ConsumeMetrics(MetricsBuffer metrics)
        {
            Order.Add(name);
            Buffers.Add(metrics);
            Values.AddRange(metrics.Points.ToArray().Select(point => point.IntValue));
        }

        public void ConsumeLogs(LogBatch logs)
        {
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
