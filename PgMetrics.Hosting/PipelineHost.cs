using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Hosting;

/// <summary>
/// Runs the pipeline a valid config describes, with the collector's own <c>pgmetrics.*</c> metrics beside
/// it: start, replace (a reload; the exporters' queues carry over), and stop with a deadline for queued
/// data. The <c>pgmetrics</c> binary and the generic-host integration both run their pipeline with it.
/// Target lists change without a replace: <see cref="SetFileTargetsAsync"/> and <see cref="SetDiscoveredTargetsAsync"/>
/// move the running receivers to a list's new targets, and exporters, their processors (delta baselines) and
/// unchanged targets' receivers stay as they are. Who reads a targets file or follows discovery (the
/// collector) calls them.
/// </summary>
internal sealed class PipelineHost : IAsyncDisposable
{
    // What each target list holds now, by receiver name, when it changed since the config was applied.
    private readonly Dictionary<string, IReadOnlyList<ReceiverConfig>> _fileTargets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<ReceiverConfig>> _discoveredTargets = new(StringComparer.Ordinal);

    private readonly ComponentFactories _factories;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    // Applying a config normally takes milliseconds; past this the steps' times are logged.
    private static readonly TimeSpan SlowApply = TimeSpan.FromSeconds(5);

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

    /// <summary>The problems of single listed targets (from a targets file or discovery): named in <c>/readyz</c>, but they leave the collector ready.</summary>
    public IReadOnlyList<string> TargetProblems
        => _pipeline is { } pipeline ? new ReadinessProbe(() => [], () => pipeline.ListedTargets).TargetProblems() : [];

    /// <summary>The receivers running now, one per target this replica owns, in name order.</summary>
    public IReadOnlyList<IReceiver> Receivers => _pipeline?.Receivers ?? [];

    /// <summary>The targets this replica runs now, in name order.</summary>
    public IReadOnlyList<ReceiverConfig> RunningTargets => _pipeline?.ReceiverSet.Configs ?? [];

    /// <summary>Builds and starts the pipeline of <paramref name="config"/>, replacing the running one (stopped at once; its exporters' queues carry over).</summary>
    /// <param name="config">A validated config.</param>
    public async Task ApplyAsync(CollectorConfig config)
    {
        await _applyGate.WaitAsync().ConfigureAwait(false);
        try
        {
            // Each step's time, said when applying is slow: a reload that seems to hang names the step that waits.
            var started = Stopwatch.GetTimestamp();
            TimeSpan receiversStopped = default, selfMetricsStopped = default, exportersStopped = default;
            if (_pipeline is { } running)
            {
                await running.StopReceiversAsync(CancellationToken.None).ConfigureAwait(false);
                receiversStopped = Stopwatch.GetElapsedTime(started);
                await _selfMetricsReporter.StopAsync(reportNow: false).ConfigureAwait(false);
                selfMetricsStopped = Stopwatch.GetElapsedTime(started);

                // Stopped at once, not flushed: their queues carry over to the new exporters.
                await running.StopExportersAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
                running.Dispose();
                exportersStopped = Stopwatch.GetElapsedTime(started);
            }

            lock (_fileTargets)
            {
                // A new config brings its own target lists, read with it.
                _fileTargets.Clear();
                _discoveredTargets.Clear();
            }

            var pipeline = PipelineBuilder.Build(config, _factories, _exporterState, _loggerFactory, _selfMetrics.ForgetReceiver);
            await pipeline.StartAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var exporter in pipeline.Exporters)
            {
                HostingLog.ExporterStarted(_logger, exporter.Name);
            }

            foreach (var receiver in config.Receivers)
            {
                if (receiver.IsTargetList)
                {
                    var owned = pipeline.Receivers.Count(r => r.Name.StartsWith(receiver.Name + "[", StringComparison.Ordinal));
                    HostingLog.TargetListStarted(_logger, receiver.ToString(), receiver.ListedTargets.Count, owned, config.Service.Sharding.Index, config.Service.Sharding.Count);
                }
                else if (config.Service.Sharding.Owns(receiver.Identity))
                {
                    HostingLog.ReceiverStarted(_logger, receiver.ToString(), receiver.CollectionInterval.TotalSeconds);
                }
            }

            _selfMetricsReporter.Start(pipeline.FanOut, pipeline.SelfMetricsInterval);
            _pipeline = pipeline;
            Config = config;

            var total = Stopwatch.GetElapsedTime(started);
            if (total >= SlowApply)
            {
                HostingLog.SlowApply(_logger, total.TotalSeconds, receiversStopped.TotalSeconds, (selfMetricsStopped - receiversStopped).TotalSeconds, (exportersStopped - selfMetricsStopped).TotalSeconds, (total - exportersStopped).TotalSeconds);
            }
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
            pipeline.Dispose();
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

    /// <summary>Sets what the targets file of the list <paramref name="receiver"/> holds now and moves the running receivers to it.</summary>
    /// <param name="receiver">The list's receiver name.</param>
    /// <param name="targets">The targets read, each a config of its own.</param>
    /// <param name="source">Where they came from, for the log: the file's path.</param>
    public async Task SetFileTargetsAsync(string receiver, IReadOnlyList<ReceiverConfig> targets, string source)
    {
        lock (_fileTargets)
        {
            _fileTargets[receiver] = targets;
        }

        await ApplyTargetsAsync(receiver, source).ConfigureAwait(false);
    }

    /// <summary>Sets what discovery found for the list <paramref name="receiver"/> and moves the running receivers to it.</summary>
    public async Task SetDiscoveredTargetsAsync(string receiver, IReadOnlyList<ReceiverConfig> targets)
    {
        lock (_fileTargets)
        {
            _discoveredTargets[receiver] = targets;
        }

        await ApplyTargetsAsync(receiver, "Kubernetes").ConfigureAwait(false);
    }

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
            if (_pipeline is not { } pipeline || Config is not { } config)
            {
                return;
            }

            using var deadline = new CancellationTokenSource(config.Service.ShutdownTimeout);
            var changes = await pipeline.ApplyTargetsAsync(config.OwnedTargets(TargetsOf), deadline.Token).ConfigureAwait(false);
            HostingLog.TargetsApplied(_logger, receiver, source, changes.Started, changes.Stopped, changes.Replaced, changes.Kept);
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
