using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Hosting;

/// <summary>
/// Runs the pipeline a valid config describes, with the collector's own <c>pgmetrics.*</c> metrics beside
/// it: start, replace (a reload; the exporters' queues carry over), and stop with a deadline for queued
/// data. The <c>pgmetrics</c> binary and the generic-host integration both run their pipeline with it.
/// </summary>
internal sealed class PipelineHost : IAsyncDisposable
{
    private readonly ComponentFactories _factories;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _applyGate = new(1, 1);
    private readonly ExporterState _exporterState = new();
    private readonly SelfMetricsCollector _selfMetrics = new(Environment.MachineName + "/" + Environment.ProcessId);
    private readonly SelfMetricsReporter _selfMetricsReporter;
    private Pipeline? _pipeline;

    /// <summary>Prepares the host; nothing runs until <see cref="ApplyAsync"/>.</summary>
    /// <param name="factories">The factories of the components configs may name.</param>
    /// <param name="loggerFactory">Where the host and its components log.</param>
    public PipelineHost(ComponentFactories factories, ILoggerFactory loggerFactory)
    {
        _factories = factories;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("pgmetrics");
        _selfMetricsReporter = new SelfMetricsReporter(_selfMetrics, UnixTime.NowNanoseconds());
    }

    /// <summary>The config running now; null before the first <see cref="ApplyAsync"/> and after <see cref="ShutdownAsync"/>.</summary>
    public CollectorConfig? Config { get; private set; }

    /// <summary>
    /// What is wrong now, as <c>/readyz</c> and the health check report it: the problems of every running
    /// component (a receiver whose last scrape failed, an exporter whose circuit is open); a host that is
    /// not running is not ready.
    /// </summary>
    public IReadOnlyList<string> ReadinessProblems
        => _pipeline is { } pipeline ? new ReadinessProbe(() => pipeline.Components).Problems() : ["pgmetrics is not running"];

    /// <summary>Builds and starts the pipeline of <paramref name="config"/>, replacing the running one (stopped at once; its exporters' queues carry over).</summary>
    /// <param name="config">A validated config.</param>
    public async Task ApplyAsync(CollectorConfig config)
    {
        await _applyGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_pipeline is { } running)
            {
                await running.StopReceiversAsync(CancellationToken.None).ConfigureAwait(false);
                await _selfMetricsReporter.StopAsync(reportNow: false).ConfigureAwait(false);

                // Stopped at once, not flushed: their queues carry over to the new exporters.
                await running.StopExportersAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
            }

            var pipeline = PipelineBuilder.Build(config, _factories, _exporterState, _loggerFactory);
            await pipeline.StartAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var exporter in pipeline.Exporters)
            {
                HostingLog.ExporterStarted(_logger, exporter.Name);
            }

            foreach (var receiver in config.Receivers)
            {
                HostingLog.ReceiverStarted(_logger, receiver.ToString(), receiver.CollectionInterval.TotalSeconds);
            }

            _selfMetricsReporter.Start(pipeline.FanOut, pipeline.SelfMetricsInterval);
            _pipeline = pipeline;
            Config = config;
        }
        finally
        {
            _applyGate.Release();
        }
    }

    /// <summary>Stops scraping, then gives queued data until <paramref name="deadline"/> fires to leave; returns each exporter's summary.</summary>
    public async Task<IReadOnlyList<(string Exporter, string Summary)>> ShutdownAsync(CancellationToken deadline)
    {
        await _applyGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_pipeline is not { } pipeline)
            {
                return [];
            }

            await pipeline.StopReceiversAsync(deadline).ConfigureAwait(false);
            await _selfMetricsReporter.StopAsync(reportNow: true).ConfigureAwait(false);
            await pipeline.StopExportersAsync(deadline).ConfigureAwait(false);
            _pipeline = null;
            Config = null;
            var summaries = pipeline.Exporters.Select(e => (e.Name, e.Summary)).ToList();
            foreach (var (name, summary) in summaries)
            {
                HostingLog.ExporterSummary(_logger, name, summary);
            }

            return summaries;
        }
        finally
        {
            _applyGate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _selfMetricsReporter.DisposeAsync().ConfigureAwait(false);
        _exporterState.Dispose();
        _selfMetrics.Dispose();
        _applyGate.Dispose();
    }
}
