using Microsoft.Extensions.Logging;
using PgMetrics.Collector.Components;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Targets;
using PgMetrics.Collector.Targets.Kubernetes;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Collector.Hosting;

/// <summary>
/// The running collector: the pipeline a config describes (run by <see cref="PipelineHost"/>), its health
/// endpoint, reloads, and the target lists it follows. A reload that fails validation is logged and counted
/// and the running pipeline stays; a valid one replaces it, while the exporters' queues, and the data in
/// them, carry over. Target lists change without a reload: an edited targets file or a discovered Service
/// moves the running receivers to the new list (<see cref="PipelineHost.SetFileTargetsAsync"/>), and
/// exporters, their processors (delta baselines) and unchanged targets' receivers stay as they are.
/// </summary>
internal sealed class CollectorHost : IAsyncDisposable
{
    private readonly List<IDisposable> _targetSources = [];
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly PipelineHost _pipeline;
    private readonly MemoryLimiter _memoryLimiter;
    private readonly NativeHeapTrimmer _nativeHeapTrimmer = new();
    private HealthServer? _health;
    private ConfigWatcher? _watcher;

    /// <summary>Prepares the host for a validated config; nothing runs until <see cref="StartAsync"/>.</summary>
    public CollectorHost(CollectorConfig config, ILoggerFactory loggerFactory)
    {
        Config = config;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("pgmetrics");
        _pipeline = new PipelineHost(CollectorComponents.Factories, loggerFactory);
        _memoryLimiter = new MemoryLimiter(() => Config.Service.MemoryLimiter, _logger);
    }

    /// <summary>The config running now.</summary>
    public CollectorConfig Config { get; private set; }

    /// <summary>Reloads applied.</summary>
    public int ReloadsApplied { get; private set; }

    /// <summary>Reloads rejected because the file was not valid.</summary>
    public int ReloadsRejected { get; private set; }

    /// <summary>Target list reloads rejected because a targets file was not valid.</summary>
    public int TargetReloadsRejected { get; private set; }

    /// <summary>The receivers running now, one per target this replica owns, in name order.</summary>
    public IReadOnlyList<IReceiver> Receivers => _pipeline.Receivers;

    /// <summary>The targets this replica runs now, in name order.</summary>
    public IReadOnlyList<ReceiverConfig> RunningTargets => _pipeline.RunningTargets;

    /// <summary>The problems <c>/readyz</c> reports now: those that make the collector unready, then single listed targets'.</summary>
    public (IReadOnlyList<string> Unready, IReadOnlyList<string> Targets) Readiness => (_pipeline.ReadinessProblems, _pipeline.TargetProblems);

    /// <summary>Starts the pipeline, the health endpoint and, for a config file, the watcher that reloads it on change.</summary>
    public async Task StartAsync()
    {
        await _pipeline.ApplyAsync(Config).ConfigureAwait(false);
        FollowTargetLists(Config);
        _memoryLimiter.Start();
        _nativeHeapTrimmer.Start();
        if (Config.Service.HealthEndpoint is { Length: > 0 } endpoint)
        {
            try
            {
                _health = new HealthServer(endpoint, () => _pipeline.ReadinessProblems, () => _pipeline.TargetProblems);
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
            _watcher = new ConfigWatcher(Config.WatchedFiles, () => ReloadInBackgroundAsync("a watched file changed"));
        }
    }

    /// <summary>
    /// <see cref="ReloadAsync"/> for callers that cannot wait for it (SIGHUP, a changed file): whatever goes
    /// wrong while the config is applied is logged (event 3012) and counted, never lost with an unobserved task.
    /// </summary>
    /// <param name="trigger">What asked for the reload, for the log: "SIGHUP", "a watched file changed".</param>
    public async Task ReloadInBackgroundAsync(string trigger)
    {
        CollectorLog.ReloadRequested(_logger, trigger, Config.FilePath);
        try
        {
            await ReloadAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A reload nobody awaits: any failure must reach the log rather than vanish.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            ReloadsRejected++;
            PgMetricsInstruments.RecordConfigReload(succeeded: false);
            CollectorLog.ReloadFailed(_logger, ex.GetType().Name, ex.Message);
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

        StopFollowingTargetLists();
        await _pipeline.ApplyAsync(result.Config!).ConfigureAwait(false);
        Config = result.Config!;
        FollowTargetLists(Config);

        // The new config may name other metadata files; their content now is what runs.
        _watcher?.Watch(Config.WatchedFiles);
        ReloadsApplied++;
        PgMetricsInstruments.RecordConfigReload(succeeded: true);
        CollectorLog.Reloaded(_logger, Config.FilePath, Config.Receivers.Count, string.Join(", ", Config.ExportersInUse.Select(e => e.Name)));
        return true;
    }

    /// <summary>Reads a list's targets file again and, when it is valid, moves the running receivers to it; else logs why and keeps the running targets.</summary>
    public async Task<bool> ReloadTargetsAsync(string receiver)
    {
        if (Config.Receivers.FirstOrDefault(r => r.Name == receiver) is not { TargetsFilePath: { } path } list)
        {
            return false;
        }

        var factory = CollectorComponents.Factories.Receivers[ComponentFactories.TypeOf(list.Name)];
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

        PgMetricsInstruments.RecordConfigReload(succeeded: true);
        await _pipeline.SetFileTargetsAsync(receiver, targets, path).ConfigureAwait(false);
        return true;
    }

    /// <summary>Sets what discovery found for the list <paramref name="receiver"/> and moves the running receivers to it.</summary>
    public Task SetDiscoveredTargetsAsync(string receiver, IReadOnlyList<ReceiverConfig> targets)
        => _pipeline.SetDiscoveredTargetsAsync(receiver, targets);

    /// <summary>Stops scraping, then gives queued data until <paramref name="deadline"/> to leave; returns each exporter's summary.</summary>
    public async Task<IReadOnlyList<(string Exporter, string Summary)>> ShutdownAsync(TimeSpan deadline)
    {
        _watcher?.Dispose();
        _watcher = null;
        StopFollowingTargetLists();
        using var timeout = new CancellationTokenSource(deadline);
        return await _pipeline.ShutdownAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _watcher?.Dispose();
        StopFollowingTargetLists();
        await _memoryLimiter.DisposeAsync().ConfigureAwait(false);
        await _nativeHeapTrimmer.DisposeAsync().ConfigureAwait(false);
        if (_health is not null)
        {
            await _health.DisposeAsync().ConfigureAwait(false);
        }

        await _pipeline.DisposeAsync().ConfigureAwait(false);
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
                var factory = CollectorComponents.Factories.Receivers[ComponentFactories.TypeOf(name)];
                _targetSources.Add(new ServiceDiscovery(
                    discovery,
                    async found => await SetDiscoveredTargetsAsync(name, [.. found.Select(target => factory.FromDiscovery(list, target))]).ConfigureAwait(false),
                    _loggerFactory.CreateLogger("pgmetrics.discovery." + name)));
            }
        }
    }

    /// <summary>
    /// Stops following target lists. Called outside the pipeline's apply gate: a discovery waits for its loops,
    /// which may be waiting for the gate to apply what they found.
    /// </summary>
    private void StopFollowingTargetLists()
    {
        foreach (var source in _targetSources)
        {
            source.Dispose();
        }

        _targetSources.Clear();
    }
}
