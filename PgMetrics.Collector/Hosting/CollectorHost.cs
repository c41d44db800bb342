using Microsoft.Extensions.Logging;
using PgMetrics.Collector.Components;
using PgMetrics.Collector.Config;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Collector.Hosting;

/// <summary>
/// The running collector: the pipeline a config describes (run by <see cref="PipelineHost"/>), its health
/// endpoint, and reloads. A reload that fails validation is logged and counted and the running pipeline
/// stays; a valid one replaces it, while the exporters' queues, and the data in them, carry over.
/// </summary>
internal sealed class CollectorHost : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly PipelineHost _pipeline;
    private HealthServer? _health;
    private ConfigWatcher? _watcher;

    /// <summary>Prepares the host for a validated config; nothing runs until <see cref="StartAsync"/>.</summary>
    public CollectorHost(CollectorConfig config, ILoggerFactory loggerFactory)
    {
        Config = config;
        _logger = loggerFactory.CreateLogger("pgmetrics");
        _pipeline = new PipelineHost(CollectorComponents.Factories, loggerFactory);
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
        await _pipeline.ApplyAsync(Config).ConfigureAwait(false);
        if (Config.Service.HealthEndpoint is { Length: > 0 } endpoint)
        {
            _health = new HealthServer(endpoint, () => _pipeline.ReadinessProblems);
            CollectorLog.HealthEndpoints(_logger, endpoint);
        }

        if (Config.IsFile)
        {
            _watcher = new ConfigWatcher(Config.WatchedFiles, async () => await ReloadAsync().ConfigureAwait(false));
        }
    }

    /// <summary>Loads the config file (and the metadata files it names) again; applies it if valid, else logs why and keeps the running one.</summary>
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

        await _pipeline.ApplyAsync(result.Config!).ConfigureAwait(false);
        Config = result.Config!;

        // The new config may name other metadata files; their content now is what runs.
        _watcher?.Watch(Config.WatchedFiles);
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
        return await _pipeline.ShutdownAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _watcher?.Dispose();
        if (_health is not null)
        {
            await _health.DisposeAsync().ConfigureAwait(false);
        }

        await _pipeline.DisposeAsync().ConfigureAwait(false);
    }
}
