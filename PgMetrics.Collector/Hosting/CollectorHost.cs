using Microsoft.Extensions.Logging;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Output;
using PgMetrics.Runtime.Export;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Scraping;
using PgMetrics.Runtime.Telemetry;
using Polly.CircuitBreaker;

namespace PgMetrics.Collector.Hosting;

/// <summary>
/// The running collector: one receiver per PostgreSQL target, the exporters, self-metrics, the
/// health endpoint and config hot reload. A reload that fails validation is logged and counted and
/// the running config stays; a valid one is swapped in while the export queues, and the data in
/// them, carry over.
/// </summary>
internal sealed class CollectorHost : IAsyncDisposable
{
    private static readonly TimeSpan ReloadDebounce = TimeSpan.FromMilliseconds(500);

    private readonly string _configPath;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _applyGate = new(1, 1);
    private readonly Dictionary<string, ExportQueue> _queues = new(StringComparer.Ordinal);
    private readonly List<RunningExporter> _exporters = [];
    private readonly List<PostgresReceiver> _receivers = [];
    private readonly SelfMetricsCollector _selfMetrics = new(Environment.MachineName + "/" + Environment.ProcessId);
    private readonly object _consoleGate = new();
    private readonly long _startTime = UnixTime.NowNanoseconds();
    private CollectorConfig _config;
    private MetricsTableWriter? _console;
    private HealthServer? _health;
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private CancellationTokenSource _selfMetricsStop = new();
    private Task _selfMetricsLoop = Task.CompletedTask;

    public CollectorHost(CollectorConfig config, ILoggerFactory loggerFactory)
    {
        _config = config;
        _configPath = Path.GetFullPath(config.FilePath);
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("pgmetrics");
    }

    /// <summary>Successful and failed reloads, for tests and the log.</summary>
    public int ReloadsApplied { get; private set; }

    public int ReloadsRejected { get; private set; }

    public CollectorConfig Config => _config;

    public async Task StartAsync()
    {
        await ApplyAsync(_config).ConfigureAwait(false);
        if (_config.Service.HealthEndpoint is { Length: > 0 } endpoint)
        {
            _health = new HealthServer(endpoint, ReadinessProblems);
            _logger.LogInformation("Health endpoints on http://{Endpoint}/healthz and /readyz", endpoint);
        }

        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_configPath)!, Path.GetFileName(_configPath))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => ScheduleReload();
        _watcher.Created += (_, _) => ScheduleReload();
        _watcher.Renamed += (_, _) => ScheduleReload();
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Loads the config file again; applies it if valid, else logs why and keeps the running one.</summary>
    public async Task<bool> ReloadAsync()
    {
        var result = ConfigLoader.Load(_configPath);
        if (!result.IsValid)
        {
            ReloadsRejected++;
            PgMetricsInstruments.RecordConfigReload(succeeded: false);
            foreach (var error in result.Errors)
            {
                _logger.LogError("Config reload rejected, the running config stays: {Error}", error.ToString());
            }

            return false;
        }

        await ApplyAsync(result.Config!).ConfigureAwait(false);
        ReloadsApplied++;
        PgMetricsInstruments.RecordConfigReload(succeeded: true);
        _logger.LogInformation("Config reloaded from {File}: {Receivers} receivers, exporters {Exporters}", _configPath, result.Config!.Receivers.Count, string.Join(", ", _exporters.Select(e => e.Name)));
        return true;
    }

    /// <summary>Stops scraping, then gives queued data until <paramref name="deadline"/> to leave.</summary>
    public async Task ShutdownAsync(TimeSpan deadline)
    {
        _watcher?.Dispose();
        _watcher = null;
        using var timeout = new CancellationTokenSource(deadline);
        await _applyGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await StopReceiversAsync(timeout.Token).ConfigureAwait(false);
            await StopSelfMetricsAsync().ConfigureAwait(false);
            SubmitSelfMetrics();
            foreach (var exporter in _exporters)
            {
                await exporter.StopAsync().ConfigureAwait(false);
            }

            foreach (var exporter in _exporters)
            {
                var flushed = await exporter.Exporter.FlushAsync(timeout.Token, final: true).ConfigureAwait(false);
                var statistics = exporter.Exporter.Statistics;
                _logger.LogInformation(
                    "Exporter {Name}: {Exported} points exported, {Retries} retries, {Rejected} rejected, {Dropped} dropped{Left}",
                    exporter.Name, statistics.PointsExported, statistics.Retries, statistics.PointsRejected, statistics.PointsDropped,
                    flushed ? string.Empty : $", {exporter.Exporter.Queue.Points} points still queued{(exporter.Config.SpoolDirectory is null ? " and lost" : " in the spool")}");
                exporter.Exporter.Dispose();
            }

            _exporters.Clear();
        }
        finally
        {
            _applyGate.Release();
        }
    }

    private void ScheduleReload()
    {
        // Editors write a file in several steps; reload once they are done.
        _debounce?.Dispose();
        _debounce = new Timer(_ => _ = ReloadAsync(), null, ReloadDebounce, Timeout.InfiniteTimeSpan);
    }

    private async Task ApplyAsync(CollectorConfig config)
    {
        await _applyGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await StopReceiversAsync(CancellationToken.None).ConfigureAwait(false);
            await StopSelfMetricsAsync().ConfigureAwait(false);
            foreach (var exporter in _exporters)
            {
                await exporter.StopAsync().ConfigureAwait(false);
                exporter.Exporter.Dispose();
            }

            _exporters.Clear();
            _console = null;
            var used = config.Service.Exporters.Count == 0 ? config.Exporters : config.Exporters.Where(e => config.Service.Exporters.Contains(e.Name)).ToList();
            foreach (var exporterConfig in used)
            {
                if (exporterConfig.Kind == "console")
                {
                    _console = MetricsTableWriter.ForStandardOutput();
                    continue;
                }

                if (!_queues.TryGetValue(exporterConfig.Name, out var queue))
                {
                    queue = ExporterFactory.CreateQueue(exporterConfig);
                    _queues[exporterConfig.Name] = queue;
                }

                var exporterLogger = _loggerFactory.CreateLogger("pgmetrics.exporter." + exporterConfig.Name);
                var exporter = ExporterFactory.Create(exporterConfig, queue, exporterLogger);
                _exporters.Add(new RunningExporter(exporterConfig, exporter, ExporterFactory.CreateLogs(exporterConfig, exporterLogger)));
                _logger.LogInformation("Exporter {Name} sends to {Destination}", exporterConfig.Name, exporter.Destination);
            }

            foreach (var receiverConfig in config.Receivers)
            {
                PostgresReceiver? self = null;
                var receiver = new PostgresReceiver(
                    receiverConfig.Name,
                    ReceiverOptionsMapping.ToScraperOptions(receiverConfig),
                    ReceiverOptionsMapping.ToControllerOptions(receiverConfig),
                    ReceiverOptionsMapping.ToMetricSet(receiverConfig),
                    (buffer, result, token) => OnScraped(self!, buffer, result, token));
                self = receiver;
                _receivers.Add(receiver);
                await receiver.StartAsync(CancellationToken.None).ConfigureAwait(false);
                _logger.LogInformation("Receiver {Name} scrapes {Endpoint} every {Interval} s", receiverConfig.Name, receiverConfig.Endpoint, receiverConfig.CollectionInterval.TotalSeconds);
            }

            _config = config;
            _selfMetricsStop = new CancellationTokenSource();
            var interval = config.Receivers.Min(r => r.CollectionInterval);
            _selfMetricsLoop = Task.Run(() => ReportSelfMetricsAsync(interval, _selfMetricsStop.Token));
        }
        finally
        {
            _applyGate.Release();
        }
    }

    private async ValueTask OnScraped(PostgresReceiver receiver, MetricsBuffer buffer, ScrapeResult result, CancellationToken cancellationToken)
    {
        // Each problem is logged when it starts and when it ends, not on every scrape in between.
        var (newProblems, resolved) = receiver.Problems.Update(result);
        foreach (var problem in newProblems)
        {
            _logger.LogWarning("Receiver {Receiver}: {Problem}", receiver.Name, problem);
        }

        foreach (var problem in resolved)
        {
            _logger.LogInformation("Receiver {Receiver}: {Problem}", receiver.Name, problem);
        }

        if (_console is { } console)
        {
            lock (_consoleGate)
            {
                console.Write(buffer, result);
            }
        }

        foreach (var exporter in _exporters)
        {
            exporter.Exporter.Submit(buffer);
        }

        if (receiver.QuerySamples.Count > 0)
        {
            KeyValue[] resource = [KeyValue.String("service.name", "pgmetrics"), KeyValue.String("pgmetrics.receiver", receiver.Name)];
            foreach (var exporter in _exporters)
            {
                await exporter.Logs.ExportAsync(resource, receiver.QuerySamples, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ReportSelfMetricsAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                SubmitSelfMetrics();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void SubmitSelfMetrics()
    {
        foreach (var exporter in _exporters)
        {
            var buffer = new MetricsBuffer(_startTime);
            _selfMetrics.AppendTo(buffer, UnixTime.NowNanoseconds());
            exporter.Exporter.Submit(buffer);
        }
    }

    private IReadOnlyList<string> ReadinessProblems()
    {
        var problems = new List<string>();
        foreach (var receiver in _receivers.ToArray())
        {
            if (receiver.LastResult is not { } last)
            {
                problems.Add($"receiver {receiver.Name}: no scrape finished yet");
            }
            else if (last.PointsRecorded == 0 && !last.IsComplete)
            {
                problems.Add($"receiver {receiver.Name}: last scrape failed: {last.Errors[0]}");
            }
        }

        foreach (var exporter in _exporters.ToArray())
        {
            if (exporter.Exporter.Statistics.CircuitState != CircuitState.Closed)
            {
                problems.Add($"exporter {exporter.Name}: circuit {exporter.Exporter.Statistics.CircuitState.ToString().ToLowerInvariant()}, {exporter.Exporter.Queue.Count} requests waiting");
            }
        }

        return problems;
    }

    private async Task StopReceiversAsync(CancellationToken cancellationToken)
    {
        foreach (var receiver in _receivers)
        {
            await receiver.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        }

        _receivers.Clear();
    }

    private async Task StopSelfMetricsAsync()
    {
        await _selfMetricsStop.CancelAsync().ConfigureAwait(false);
        await _selfMetricsLoop.ConfigureAwait(false);
        _selfMetricsStop.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
        if (_health is not null)
        {
            await _health.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var queue in _queues.Values)
        {
            queue.Dispose();
        }

        _selfMetrics.Dispose();
        _applyGate.Dispose();
    }

    private sealed class RunningExporter
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        public RunningExporter(ExporterConfig config, MetricsExporter exporter, LogsExporter logs)
        {
            Config = config;
            Exporter = exporter;
            Logs = logs;
            _running = Task.Run(() => exporter.RunAsync(_stop.Token));
        }

        public ExporterConfig Config { get; }

        public string Name => Config.Name;

        public MetricsExporter Exporter { get; }

        public LogsExporter Logs { get; }

        public async Task StopAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _running.ConfigureAwait(false);
            _stop.Dispose();
            Logs.Dispose();
        }
    }
}
