using Microsoft.Extensions.Logging;
using PgMetrics.Collector.Components;
using PgMetrics.Collector.Config;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Collector.Hosting;

/// <summary>
/// The running collector: orchestrates start, reload and stop of the pipeline a config describes. A reload
/// that fails validation is logged and counted and the running pipeline stays; a valid one replaces it,
/// while the exporters' queues, and the data in them, carry over.
/// </summary>
internal sealed class CollectorHost : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _applyGate = new(1, 1);
    private readonly ExporterState _exporterState = new();
    private readonly SelfMetricsCollector _selfMetrics = new(Environment.MachineName + "/" + Environment.ProcessId);
    private readonly SelfMetricsReporter _selfMetricsReporter;
    private Pipeline? _pipeline;
    private HealthServer? _health;
    private ConfigWatcher? _watcher;

    /// <summary>Prepares the host for a validated config; nothing runs until <see cref="StartAsync"/>.</summary>
    public CollectorHost(CollectorConfig config, ILoggerFactory loggerFactory)
    {
        Config = config;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("pgmetrics");
        _selfMetricsReporter = new SelfMetricsReporter(_selfMetrics, UnixTime.NowNanoseconds());
    }

    /// <summary>The config running now.</summary>
    public CollectorConfig Config { get; private set; }

    /// <summary>Reloads applied.</summary>
    public int ReloadsApplied { get; private set; }

    /// <summary>Reloads rejected because the file was not valid.</summary>
    public int ReloadsRejected { get; private set; }

    /// <summary>Starts the pipeline, the health endpoint and, for a config file, the watcher that reloads it on change.</summary>
    public async Task StartAsync()
    {
        await ApplyAsync(Config).ConfigureAwait(false);
        if (Config.Service.HealthEndpoint is { Length: > 0 } endpoint)
        {
            var readiness = new ReadinessProbe(() => _pipeline?.Components ?? []);
            _health = new HealthServer(endpoint, readiness.Problems);
            CollectorLog.HealthEndpoints(_logger, endpoint);
        }

        if (Config.IsFile)
        {
            _watcher = new ConfigWatcher(Config.FilePath, async () => await ReloadAsync().ConfigureAwait(false));
        }
    }

    /// <summary>Loads the config file again; applies it if valid, else logs why and keeps the running one.</summary>
    public async Task<bool> ReloadAsync()
    {
        var result = ConfigLoader.Load(Config.FilePath);
        if (!result.IsValid)
        {
            ReloadsRejected++;
            PgMetricsInstruments.RecordConfigReload(succeeded: false);
            foreach (var error in result.Errors)
            {
                CollectorLog.ReloadRejected(_logger, error.ToString());
            }

            return false;
        }

        await ApplyAsync(result.Config!).ConfigureAwait(false);
        ReloadsApplied++;
        PgMetricsInstruments.RecordConfigReload(succeeded: true);
        CollectorLog.Reloaded(_logger, Config.FilePath, Config.Receivers.Count, string.Join(", ", Config.ExportersInUse.Select(e => e.Name)));
        return true;
    }

    /// <summary>Stops scraping, then gives queued data until <paramref name="deadline"/> to leave; returns each exporter's summary.</summary>
    public async Task<IReadOnlyList<(string Exporter, string Summary)>> ShutdownAsync(TimeSpan deadline)
    {
        _watcher?.Dispose();
        _watcher = null;
        using var timeout = new CancellationTokenSource(deadline);
        await _applyGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_pipeline is not { } pipeline)
            {
                return [];
            }

            await pipeline.StopReceiversAsync(timeout.Token).ConfigureAwait(false);
            await _selfMetricsReporter.StopAsync(reportNow: true).ConfigureAwait(false);
            await pipeline.StopExportersAsync(timeout.Token).ConfigureAwait(false);
            _pipeline = null;
            var summaries = pipeline.Exporters.Select(e => (e.Name, e.Summary)).ToList();
            foreach (var (name, summary) in summaries)
            {
                CollectorLog.ExporterSummary(_logger, name, summary);
            }

            return summaries;
        }
        finally
        {
            _applyGate.Release();
        }
    }

    private async Task ApplyAsync(CollectorConfig config)
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

            var pipeline = PipelineBuilder.Build(config, CollectorComponents.Factories, _exporterState, _loggerFactory);
            await pipeline.StartAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var exporter in pipeline.Exporters)
            {
                CollectorLog.ExporterStarted(_logger, exporter.Name);
            }

            foreach (var receiver in config.Receivers)
            {
                CollectorLog.ReceiverStarted(_logger, receiver.ToString(), receiver.CollectionInterval.TotalSeconds);
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

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _watcher?.Dispose();
        if (_health is not null)
        {
            await _health.DisposeAsync().ConfigureAwait(false);
        }

        await _selfMetricsReporter.DisposeAsync().ConfigureAwait(false);
        _exporterState.Dispose();
        _selfMetrics.Dispose();
        _applyGate.Dispose();
    }
}
