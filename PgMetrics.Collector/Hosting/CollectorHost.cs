using Microsoft.Extensions.Logging;
using PgMetrics.Collector.Components;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Targets;
using PgMetrics.Collector.Targets.Kubernetes;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Collector.Hosting;

/// <summary>
/// The running collector: orchestrates start, reload and stop of the pipeline a config describes. A reload
/// that fails validation is logged and counted and the running pipeline stays; a valid one replaces it,
/// while the exporters' queues, and the data in them, carry over. Target lists change without a reload: an
/// edited targets file or a discovered Service moves the running receivers to the new list, and exporters,
/// their processors (delta baselines) and unchanged targets' receivers stay as they are.
/// </summary>
internal sealed class CollectorHost : IAsyncDisposable
{
    private readonly List<IDisposable> _targetSources = [];

    // What each target list holds now, by receiver name, when it changed since the config was loaded.
    private readonly Dictionary<string, IReadOnlyList<ReceiverConfig>> _fileTargets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<ReceiverConfig>> _discoveredTargets = new(StringComparer.Ordinal);

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
            var readiness = new ReadinessProbe(() => _pipeline?.Components ?? [], () => _pipeline?.ListedTargets ?? []);
            try
            {
                _health = new HealthServer(endpoint, readiness.Problems, readiness.TargetProblems);
                CollectorLog.HealthEndpoints(_logger, endpoint);
            }
            catch (HealthEndpointUnavailableException ex) when (!Config.Service.HealthEndpointConfigured)
            {
                // Only the default address is taken (another collector on the host): run on, say so.
                CollectorLog.HealthEndpointsUnavailable(_logger, ex.Message);
            }
        }

        if (Config.IsFile)
        {
            _watcher = new ConfigWatcher(Config.WatchedFiles, async () => await ReloadAsync().ConfigureAwait(false));
        }
    }

    /// <summary>Reads a list's targets file again and, when it is valid, moves the running receivers to it; else logs why and keeps the running targets.</summary>
    public async Task<bool> ReloadTargetsAsync(string receiver)
    {
        if (Config.Receivers.FirstOrDefault(r => r.Name == receiver) is not { TargetsFilePath: { } path } list)
        {
            return false;
        }

        var factory = ComponentFactories.Receivers[ComponentFactories.TypeOf(list.Name)];
        var (targets, errors) = factory.ReadTargetsFile(list, Environment.GetEnvironmentVariable);
        if (errors.Count > 0)
        {
            TargetReloadsRejected++;
            PgMetricsInstruments.RecordConfigReload(succeeded: false);
            foreach (var error in errors)
            {
                CollectorLog.TargetsRejected(_logger, receiver, error.ToString());
            }

            return false;
        }

        lock (_fileTargets)
        {
            _fileTargets[receiver] = targets;
        }

        PgMetricsInstruments.RecordConfigReload(succeeded: true);
        await ApplyTargetsAsync(receiver, path).ConfigureAwait(false);
        return true;
    }

    /// <summary>Target list reloads rejected because a targets file was not valid.</summary>
    public int TargetReloadsRejected { get; private set; }

    /// <summary>Sets what discovery found for the list <paramref name="receiver"/> and moves the running receivers to it.</summary>
    public async Task SetDiscoveredTargetsAsync(string receiver, IReadOnlyList<ReceiverConfig> targets)
    {
        lock (_fileTargets)
        {
            _discoveredTargets[receiver] = targets;
        }

        await ApplyTargetsAsync(receiver, "Kubernetes").ConfigureAwait(false);
    }

    /// <summary>The receivers running now, one per target this replica owns, in name order.</summary>
    public IReadOnlyList<IReceiver> Receivers => _pipeline?.Receivers ?? [];

    /// <summary>The problems <c>/readyz</c> reports now: those that make the collector unready, then single listed targets'.</summary>
    public (IReadOnlyList<string> Unready, IReadOnlyList<string> Targets) Readiness
    {
        get
        {
            var probe = new ReadinessProbe(() => _pipeline?.Components ?? [], () => _pipeline?.ListedTargets ?? []);
            return (probe.Problems(), probe.TargetProblems());
        }
    }

    /// <summary>The targets this replica runs now, in name order.</summary>
    public IReadOnlyList<ReceiverConfig> RunningTargets => _pipeline?.ReceiverSet.Configs ?? [];

    private IEnumerable<ReceiverConfig> TargetsOf(ReceiverConfig list)
    {
        lock (_fileTargets)
        {
            var fromFile = _fileTargets.TryGetValue(list.Name, out var file) ? file : list.ListedTargets;
            return [.. fromFile, .. _discoveredTargets.GetValueOrDefault(list.Name) ?? []];
        }
    }

    private async Task ApplyTargetsAsync(string receiver, string source)
    {
        await _applyGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_pipeline is not { } pipeline)
            {
                return;
            }

            using var deadline = new CancellationTokenSource(Config.Service.ShutdownTimeout);
            var changes = await pipeline.ApplyTargetsAsync(Config.OwnedTargets(TargetsOf), deadline.Token).ConfigureAwait(false);
            CollectorLog.TargetsApplied(_logger, receiver, source, changes.Started, changes.Stopped, changes.Replaced, changes.Kept);
        }
        finally
        {
            _applyGate.Release();
        }
    }

    /// <summary>Starts following the config's target lists: a watcher per targets file, a discovery per Kubernetes block.</summary>
    private void FollowTargetLists(CollectorConfig config)
    {
        foreach (var list in config.Receivers.Where(r => r.IsTargetList))
        {
            var name = list.Name;
            if (list.TargetsFilePath is { } path)
            {
                _targetSources.Add(new TargetsWatcher(path, async () => await ReloadTargetsAsync(name).ConfigureAwait(false)));
            }

            if (list.Discovery is { } discovery)
            {
                var factory = ComponentFactories.Receivers[ComponentFactories.TypeOf(name)];
                _targetSources.Add(new ServiceDiscovery(
                    discovery,
                    async found => await SetDiscoveredTargetsAsync(name, [.. found.Select(target => factory.FromDiscovery(list, target))]).ConfigureAwait(false),
                    _loggerFactory.CreateLogger("pgmetrics.discovery." + name)));
            }
        }
    }

    /// <summary>
    /// Stops following target lists. Called outside the apply gate: a discovery waits for its loops, which may be
    /// waiting for the gate to apply what they found.
    /// </summary>
    private void StopFollowingTargetLists()
    {
        foreach (var source in _targetSources)
        {
            source.Dispose();
        }

        _targetSources.Clear();
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

        StopFollowingTargetLists();
        await ApplyAsync(result.Config!).ConfigureAwait(false);

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
        StopFollowingTargetLists();
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
            pipeline.Dispose();
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
                running.Dispose();
            }

            lock (_fileTargets)
            {
                // A new config brings its own target lists, read with it.
                _fileTargets.Clear();
                _discoveredTargets.Clear();
            }

            var pipeline = PipelineBuilder.Build(config, _exporterState, _loggerFactory, _selfMetrics.ForgetReceiver);
            await pipeline.StartAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var exporter in pipeline.Exporters)
            {
                CollectorLog.ExporterStarted(_logger, exporter.Name);
            }

            foreach (var receiver in config.Receivers)
            {
                if (receiver.IsTargetList)
                {
                    var owned = pipeline.Receivers.Count(r => r.Name.StartsWith(receiver.Name + "[", StringComparison.Ordinal));
                    CollectorLog.TargetListStarted(_logger, receiver.ToString(), receiver.ListedTargets.Count, owned, config.Service.Sharding.Index, config.Service.Sharding.Count);
                }
                else if (config.Service.Sharding.Owns(receiver.Identity))
                {
                    CollectorLog.ReceiverStarted(_logger, receiver.ToString(), receiver.CollectionInterval.TotalSeconds);
                }
            }

            FollowTargetLists(config);

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
        StopFollowingTargetLists();
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
