using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.Exporter.Otlp.Serialization;
using PgMetrics.Exporter.Otlp.Transmission;
using PgMetrics.Exporter.Otlp.Transport;
using PgMetrics.Runtime.Logs;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Exporter.Otlp;

/// <summary>
/// Sends metrics to <c>/v1/metrics</c> and log records to <c>/v1/logs</c> of an OTLP/HTTP endpoint such as
/// New Relic's. Per signal: a request batcher (encode, split under the payload limit) feeds a bounded
/// queue (metrics in memory or a disk spool), and a queue sender drains it in order through retries, a
/// circuit breaker and a per-attempt timeout to the transport. A request leaves the queue only when the
/// endpoint answered it; what is dropped or refused is counted in <see cref="Statistics"/> and logged once.
/// </summary>
public sealed class OtlpExporter : IExporter, IDisposable
{
    private readonly OtlpExporterOptions _options;
    private readonly Signal _metrics;
    private readonly Signal _logs;
    private readonly OtlpMetricsWriter _metricsWriter;
    private readonly OtlpLogsWriter _logsWriter;
    private readonly bool _ownsMetricsQueue;
    private readonly IDisposable _gauges;
    private CancellationTokenSource? _stop;
    private Task _running = Task.CompletedTask;

    /// <summary>Creates an exporter with queues of its own (the metrics queue in <see cref="OtlpExporterOptions.SpoolDirectory"/> when set).</summary>
    /// <param name="options">Where and how to send.</param>
    /// <param name="logger">Where refusals, drops and circuit changes are logged; never with a header value.</param>
    /// <exception cref="IOException">The spool directory cannot be created.</exception>
    public OtlpExporter(OtlpExporterOptions options, ILogger? logger = null)
        : this(options, CreateQueue(options, logger), logger, handler: null, ownsMetricsQueue: true)
    {
    }

    /// <summary>Creates an exporter over an existing metrics queue, which outlives it (the collector keeps queued data across config reloads).</summary>
    internal OtlpExporter(OtlpExporterOptions options, ExportQueue metricsQueue, ILogger? logger = null, HttpMessageHandler? handler = null, bool ownsMetricsQueue = false)
    {
        _options = options;
        _ownsMetricsQueue = ownsMetricsQueue;
        logger ??= NullLogger.Instance;
        var encoding = OtlpEncodingOptions.Default with { MonotonicSumTemporality = options.MonotonicSumTemporality };
        _metricsWriter = new OtlpMetricsWriter(encoding);
        _logsWriter = new OtlpLogsWriter(encoding);
        var time = metricsQueue.Clock;
        _metrics = new Signal(options, "/v1/metrics", "points", metricsQueue, options.MaxQueueBytes, OtlpRequestSplitter.Metrics, logger, handler, time);
        _logs = new Signal(options, "/v1/logs", "log records", new ExportQueue(new MemoryPayloadStore(), options.MaxLogQueueBytes, time), options.MaxLogQueueBytes, OtlpRequestSplitter.Logs, logger, handler, time);
        _gauges = PgMetricsInstruments.TrackExporter(options.Name, () => new ExporterGauges(_metrics.Queue.Count, _metrics.Queue.Bytes, (long)Statistics.CircuitState));
    }

    /// <inheritdoc/>
    public string Name => _options.Name;

    /// <summary>Where metrics go (<c>…/v1/metrics</c>), without credentials.</summary>
    public Uri Destination => _metrics.Events.Destination;

    /// <summary>Counts of the metrics sent, retried, dropped and refused.</summary>
    public ExportStatistics Statistics => _metrics.Events.Statistics;

    /// <summary>Counts of the log records sent, retried, dropped and refused.</summary>
    public ExportStatistics LogStatistics => _logs.Events.Statistics;

    /// <summary>Metrics requests waiting to be sent.</summary>
    public int QueuedRequests => _metrics.Queue.Count;

    /// <summary>Data points waiting to be sent.</summary>
    public long QueuedPoints => _metrics.Queue.Points;

    /// <summary>Bytes of metrics requests waiting to be sent (in memory or in the spool), compressed as they are kept and will be sent.</summary>
    public long QueuedBytes => _metrics.Queue.Bytes;

    /// <inheritdoc/>
    public string Summary
    {
        get
        {
            var statistics = Statistics;
            var queued = QueuedPoints;
            return $"{statistics.PointsExported} points exported in {statistics.RequestsSent} requests, {statistics.Retries} retries, {statistics.PointsRejected} rejected, {statistics.PointsDropped} dropped"
                + (queued > 0 ? $", {queued} points still queued{(_options.SpoolDirectory is null ? " and lost" : " in the spool")}" : string.Empty);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ReadinessProblems
        => Statistics.CircuitState == ExportCircuitState.Closed
            ? []
            : [$"exporter {Name}: circuit {Statistics.CircuitState.ToString().ToLowerInvariant()}, {QueuedRequests} requests waiting"];

    /// <summary>Encodes a scrape's points and queues them; the buffer is not changed and may be reused as soon as this returns.</summary>
    public void ConsumeMetrics(MetricsBuffer metrics)
    {
        if (metrics.Count == 0)
        {
            return;
        }

        _metrics.Batcher.AddRequests((maxRequestBytes, request) => _metricsWriter.Write(metrics, maxRequestBytes, request));
        _metrics.Sender.Signal();
    }

    /// <summary>Encodes log records and queues them.</summary>
    public void ConsumeLogs(LogBatch logs)
    {
        if (logs.IsEmpty)
        {
            return;
        }

        _logs.Batcher.Add(output => _logsWriter.Write(logs, output), logs.Records.Count);
        _logs.Sender.Signal();
    }

    /// <summary>Starts sending in the background; calling it twice has no further effect.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_stop is null)
        {
            _stop = new CancellationTokenSource();
            var stop = _stop.Token;
            _running = Task.WhenAll(Task.Run(() => _metrics.Sender.RunAsync(stop), CancellationToken.None), Task.Run(() => _logs.Sender.RunAsync(stop), CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Sends everything queued, ignoring the batch age, until the queues are empty or
    /// <paramref name="cancellationToken"/> fires. True when both queues are empty.
    /// </summary>
    public async Task<bool> FlushAsync(FlushMode mode, CancellationToken cancellationToken)
    {
        var metrics = await _metrics.Sender.FlushAsync(mode, cancellationToken).ConfigureAwait(false);
        var logs = await _logs.Sender.FlushAsync(mode, cancellationToken).ConfigureAwait(false);
        return metrics && logs;
    }

    /// <summary>Stops the background sending, then gives what is queued until <paramref name="cancellationToken"/> to leave (a final flush).</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await StopSendingAsync().ConfigureAwait(false);
        await FlushAsync(FlushMode.Final, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the background sending; queued data stays queued.</summary>
    internal async Task StopSendingAsync()
    {
        if (_stop is { } stop)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await _running.ConfigureAwait(false);
            stop.Dispose();
            _stop = null;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop?.Cancel();
        _gauges.Dispose();
        _metrics.Dispose(disposeQueue: _ownsMetricsQueue);
        _logs.Dispose(disposeQueue: true);
    }

    internal static ExportQueue CreateQueue(OtlpExporterOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
        => new(options.SpoolDirectory is { Length: > 0 } spool ? new DiskSpoolStore(spool, logger) : new MemoryPayloadStore(), options.MaxQueueBytes, timeProvider);

    /// <summary>One signal's path: its events, queue, batcher, sender and transport.</summary>
    private sealed class Signal
    {
        private readonly OtlpHttpTransport _transport;

        public Signal(OtlpExporterOptions options, string path, string items, ExportQueue queue, long maxQueueBytes, OtlpRequestSplitter splitter, ILogger logger, HttpMessageHandler? handler, TimeProvider time)
        {
            _transport = new OtlpHttpTransport(options, path, handler);
            Queue = queue;
            Events = new ExportEvents(options.Name, items, _transport.Destination, logger);
            Batcher = new OtlpRequestBatcher(queue, splitter, options.Compression, options.MaxRequestBytes, maxQueueBytes, Events);
            Sender = new QueueSender(queue, _transport, splitter, options, Events, time);
        }

        public ExportQueue Queue { get; }

        public ExportEvents Events { get; }

        public OtlpRequestBatcher Batcher { get; }

        public QueueSender Sender { get; }

        public void Dispose(bool disposeQueue)
        {
            Sender.Dispose();
            Batcher.Dispose();
            _transport.Dispose();
            if (disposeQueue)
            {
                Queue.Dispose();
            }
        }
    }
}
