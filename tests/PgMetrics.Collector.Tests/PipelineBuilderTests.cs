using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.Collector.Components;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Hosting;
using PgMetrics.Exporter.Otlp;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Processing;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Collector.Tests;

/// <summary>Each exporter is built by its factory with the processors its config chooses; receivers feed the fan-out.</summary>
public sealed class PipelineBuilderTests
{
    private static CollectorConfig Load(string yaml)
    {
        var result = ConfigLoader.Parse(yaml, "pgmetrics.yaml", name => name == "NEW_RELIC_LICENSE_KEY" ? "nr-key" : null);
        Assert.Empty(result.Errors);
        return result.Config!;
    }

    [Fact]
    public async Task Exporters_get_processors_from_their_config_and_only_the_services_exporters_are_built()
    {
        var config = Load("""
            receivers:
              postgresql: {endpoint: localhost:5432, collection_interval: 20s}
              postgresql/replica: {endpoint: replica:5432, collection_interval: 5s}
            exporters:
              newrelic: {}
              otlp: {endpoint: http://localhost:4318}
              otlp/delta: {endpoint: http://localhost:4318, temporality: delta}
              console: {}
            service:
              exporters: [newrelic, otlp, otlp/delta, console]
            """);
        using var state = new ExporterState();

        var pipeline = PipelineBuilder.Build(config, CollectorComponents.Factories, state, NullLoggerFactory.Instance);

        Assert.Equal(["postgresql", "postgresql/replica"], pipeline.Targets.Select(r => r.Name));
        await pipeline.ApplyTargetsAsync(pipeline.Targets, TestContext.Current.CancellationToken);
        Assert.Equal(["postgresql", "postgresql/replica"], pipeline.Receivers.Select(r => r.Name));
        Assert.All(pipeline.Receivers, r => Assert.IsType<PostgresReceiver>(r));
        await pipeline.StopReceiversAsync(TestContext.Current.CancellationToken);
        Assert.Empty(pipeline.Receivers);
        Assert.Equal(TimeSpan.FromSeconds(5), pipeline.SelfMetricsInterval);
        var routes = pipeline.FanOut.Routes.ToDictionary(r => r.Exporter.Name);
        Assert.Equal([typeof(CardinalityLimitProcessor), typeof(DeltaTemporalityProcessor)], routes["newrelic"].Chain.Processors.Select(p => p.GetType()));
        Assert.Equal([typeof(CardinalityLimitProcessor), typeof(CumulativeResetProcessor)], routes["otlp"].Chain.Processors.Select(p => p.GetType()));
        Assert.Equal([typeof(CardinalityLimitProcessor), typeof(DeltaTemporalityProcessor)], routes["otlp/delta"].Chain.Processors.Select(p => p.GetType()));
        Assert.Empty(routes["console"].Chain.Processors);
        Assert.False(routes["console"].ExportsSelfMetrics);
        Assert.True(routes["newrelic"].ExportsSelfMetrics);
        Assert.Equal(new Uri("https://otlp.nr-data.net/v1/metrics"), ((OtlpExporter)routes["newrelic"].Exporter).Destination);
        foreach (var exporter in pipeline.Exporters.OfType<IDisposable>())
        {
            exporter.Dispose();
        }
    }

    [Fact]
    public void An_exporters_queue_outlives_the_exporter_so_a_reload_keeps_what_waits_in_it()
    {
        var config = Load("receivers:\n  postgresql: {}\nexporters:\n  otlp: {endpoint: http://127.0.0.1:1}\n");
        using var state = new ExporterState();
        var first = (OtlpExporter)PipelineBuilder.Build(config, CollectorComponents.Factories, state, NullLoggerFactory.Instance).Exporters[0];
        var buffer = new Runtime.Metrics.MetricsBuffer();
        buffer.AddPoint(Runtime.Metadata.PostgresqlMetricDescriptors.PostgresqlBackends, 1, 3L);
        first.ConsumeMetrics(buffer);
        first.Dispose();

        var second = (OtlpExporter)PipelineBuilder.Build(config, CollectorComponents.Factories, state, NullLoggerFactory.Instance).Exporters[0];

        Assert.Equal(1, second.QueuedPoints);
        second.Dispose();
    }
}
