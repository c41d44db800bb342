using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Otlp;
using PgMetrics.Runtime.Resilience;
using PgMetrics.Runtime.Telemetry;
using Polly;
using Polly.CircuitBreaker;

namespace PgMetrics.Runtime.Export;

/// <summary>
/// Takes each scrape's points, encodes them into requests under the payload limit, queues them
/// (in memory or in a disk spool) and sends them in order through retries and a circuit breaker.
/// A request leaves the queue only when the receiver answered it; what is dropped or refused is
/// counted in <see cref="Statistics"/> and logged.
/// </summary>
public sealed class MetricsExporter : IDisposable
{
    private readonly OtlpHttpSender _sender;
    private readonly ExportQueue _queue;
    private readonly MetricsExporterOptions _options;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<SendOutcome> _pipeline;
    private readonly ResiliencePipeline<SendOutcome> _finalPipeline;
    private readonly OtlpMetricsWriter _writer = new();
    private readonly ArrayBufferWriter<byte> _encoded = new(64 * 1024);
    private readonly DeltaTemporalityConverter? _delta;
    private readonly Cardinality.CardinalityLimiter _cardinality;

    // The caller's buffer may go to other exporters too, so limits and deltas work on a copy.
    private readonly MetricsBuffer _scratch = new();
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly SemaphoreSlim _pending = new(0, 1);
    private readonly object _submitGate = new();
    private readonly HashSet<int> _reportedRejections = [];
    private int _maxItemsPerRequest = int.MaxValue;

    /// <summary>Creates an exporter; call <see cref="RunAsync"/> to start sending.</summary>
    public MetricsExporter(OtlpHttpSender sender, ExportQueue queue, MetricsExporterOptions options, ILogger? logger = null)
    {
        _sender = sender;
        _queue = queue;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _pipeline = ExportResiliencePipeline.Create(options.Resilience, Statistics, options.Name);
        _finalPipeline = ExportResiliencePipeline.CreateFinal(options.Resilience, Statistics, options.Name);
        _delta = options.DeltaTemporality ? new DeltaTemporalityConverter() : null;
        _cardinality = new Cardinality.CardinalityLimiter(options.Cardinality);
        PgMetricsInstruments.Track(this, options.Name);
    }

    /// <summary>Counts of what was sent, retried, dropped and refused.</summary>
    public ExportStatistics Statistics { get; } = new();

    /// <summary>The requests waiting to be sent.</summary>
    public ExportQueue Queue => _queue;

    /// <summary>Where requests go.</summary>
    public Uri Destination => _sender.Destination;

    /// <summary>Encodes a scrape's points and queues them; the buffer is not changed and may be reused as soon as this returns.</summary>
    public void Submit(MetricsBuffer scraped)
    {
        lock (_submitGate)
        {
            var metrics = _scratch;
            metrics.CopyFrom(scraped);
            _cardinality.Apply(metrics, _options.Name);
            _delta?.Convert(metrics);
            if (metrics.Count == 0)
            {
                return;
            }

            _encoded.ResetWrittenCount();
            _writer.Write(metrics, _encoded);
            var payload = _encoded.WrittenSpan.ToArray();
            List<byte[]> parts = [payload];
            if (payload.Length > _options.MaxRequestBytes)
            {
                parts = OtlpRequestSplitter.Metrics.SplitToLimit(payload, _options.MaxRequestBytes, out var oversized);
                DropOversized(oversized);
            }

            foreach (var part in parts)
            {
                var points = parts.Count == 1 ? metrics.Count : OtlpRequestSplitter.Metrics.CountLeaves(part);
                foreach (var dropped in _queue.Enqueue(part, points))
                {
                    Statistics.CountDropped(dropped.Points);
                    PgMetricsInstruments.RecordDropped(_options.Name, dropped.Points, "queue_full");
                    _logger.LogWarning("Export queue is full ({MaxQueueBytes} bytes): dropped the oldest {Points} points", _options.MaxQueueBytes, dropped.Points);
                }
            }
        }

        if (_pending.CurrentCount == 0)
        {
            try
            {
                _pending.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another submit already signalled the sender.
            }
        }
    }

    /// <summary>Sends queued requests as they come until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var retryIn = await SendPendingAsync(respectBatchAge: true, cancellationToken).ConfigureAwait(false);
                if (retryIn is { } delay)
                {
                    await Task.WhenAny(Task.Delay(delay, cancellationToken), _pending.WaitAsync(cancellationToken)).ConfigureAwait(false);
                }
                else
                {
                    await _pending.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Sends everything queued, ignoring the batch age, until the queue is empty or
    /// <paramref name="cancellationToken"/> fires. True when empty. On shutdown pass
    /// <paramref name="final"/>: an open circuit is then tried anyway, since there is no later.
    /// </summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken, bool final = false)
    {
        try
        {
            while (_queue.Count > 0 && !cancellationToken.IsCancellationRequested)
            {
                if (await SendPendingAsync(respectBatchAge: false, cancellationToken, final ? _finalPipeline : _pipeline).ConfigureAwait(false) is { } delay)
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return _queue.Count == 0;
    }

    /// <summary>Sends until the queue is empty (null) or the endpoint needs a rest (how long).</summary>
    private async Task<TimeSpan?> SendPendingAsync(bool respectBatchAge, CancellationToken cancellationToken, ResiliencePipeline<SendOutcome>? pipeline = null)
    {
        pipeline ??= _pipeline;
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (_queue.Count > 0)
            {
                if (respectBatchAge && _options.MaxBatchAge > TimeSpan.Zero && _queue.Bytes < _options.MaxRequestBytes
                    && _queue.OldestCreatedAt is { } oldest && DateTimeOffset.UtcNow - oldest < _options.MaxBatchAge)
                {
                    return _options.MaxBatchAge - (DateTimeOffset.UtcNow - oldest);
                }

                var batch = _queue.PeekBatch(_options.MaxRequestBytes, _maxItemsPerRequest);
                var payload = Concatenate(batch);
                var points = batch.Sum(b => b.Item.Points);
                SendOutcome outcome;
                try
                {
                    outcome = await pipeline.ExecuteAsync(async token => await _sender.SendAsync(payload, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                }
                catch (BrokenCircuitException)
                {
                    PgMetricsInstruments.RecordExportFailure(_options.Name, "circuit_open");
                    return _options.Resilience.BreakDuration;
                }

                switch (outcome.Kind)
                {
                    case SendOutcomeKind.Accepted:
                        _queue.Remove(batch.Select(b => b.Item));
                        Statistics.CountExported(points - outcome.RejectedPoints, payload.Length);
                        PgMetricsInstruments.RecordExported(_options.Name, points - outcome.RejectedPoints, payload.Length);
                        _maxItemsPerRequest = int.MaxValue;
                        if (outcome.RejectedPoints > 0)
                        {
                            Statistics.CountRejected(outcome.RejectedPoints, requestEnded: false);
                            PgMetricsInstruments.RecordDropped(_options.Name, outcome.RejectedPoints, "partial_success");
                            _logger.LogWarning("{Destination} accepted the request but rejected {Rejected} points: {Message}", _sender.Destination, outcome.RejectedPoints, outcome.Message);
                        }

                        break;
                    case SendOutcomeKind.TooLarge when batch.Count > 1:
                        // Joined requests were too much together; send them one at a time until one succeeds.
                        _maxItemsPerRequest = 1;
                        break;
                    case SendOutcomeKind.TooLarge:
                        SplitOrDrop(batch[0].Item, batch[0].Payload);
                        break;
                    case SendOutcomeKind.Rejected:
                        _queue.Remove(batch.Select(b => b.Item));
                        Statistics.CountRejected(points, requestEnded: true);
                        PgMetricsInstruments.RecordExportFailure(_options.Name, "http_" + outcome.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        PgMetricsInstruments.RecordDropped(_options.Name, points, "rejected");
                        if (_reportedRejections.Add(outcome.StatusCode))
                        {
                            _logger.LogError("{Destination} refused {Points} points with {Outcome}; such requests are not retried (check the license key and endpoint)", _sender.Destination, points, outcome.ToString());
                        }

                        break;
                    default:
                        if (pipeline == _finalPipeline)
                        {
                            return _options.Resilience.BaseDelay;
                        }

                        PgMetricsInstruments.RecordExportFailure(_options.Name, outcome.StatusCode == 0 ? "connection" : "http_" + outcome.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        _logger.LogWarning("Export to {Destination} failed after retries: {Outcome}; {Queued} requests wait in the queue", _sender.Destination, outcome.ToString(), _queue.Count);
                        return _options.Resilience.BreakDuration;
                }
            }

            return null;
        }
        finally
        {
            _sendGate.Release();
        }
    }

    private void SplitOrDrop(ExportItem item, byte[] payload)
    {
        if (OtlpRequestSplitter.Metrics.Split(payload) is { } halves)
        {
            _queue.Replace(item, halves.First, OtlpRequestSplitter.Metrics.CountLeaves(halves.First), halves.Second, OtlpRequestSplitter.Metrics.CountLeaves(halves.Second));
            return;
        }

        _queue.Remove([item]);
        Statistics.CountDropped(item.Points);
        PgMetricsInstruments.RecordDropped(_options.Name, item.Points, "too_large");
        _logger.LogError("{Destination} refused a single data point as too large (413); it was dropped", _sender.Destination);
    }

    private void DropOversized(List<byte[]> oversized)
    {
        foreach (var part in oversized)
        {
            var points = OtlpRequestSplitter.Metrics.CountLeaves(part);
            Statistics.CountDropped(points);
            PgMetricsInstruments.RecordDropped(_options.Name, points, "too_large");
            _logger.LogError("A data point encodes to more than {Limit} bytes and was dropped", _options.MaxRequestBytes);
        }
    }

    /// <summary>Joins encoded requests: concatenated OTLP export requests are one valid request holding all their resources.</summary>
    private static byte[] Concatenate(IReadOnlyList<(ExportItem Item, byte[] Payload)> batch)
    {
        if (batch.Count == 1)
        {
            return batch[0].Payload;
        }

        var joined = new byte[batch.Sum(b => b.Payload.Length)];
        var offset = 0;
        foreach (var (_, payload) in batch)
        {
            payload.CopyTo(joined, offset);
            offset += payload.Length;
        }

        return joined;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        PgMetricsInstruments.Untrack(this);
        _sendGate.Dispose();
        _pending.Dispose();
    }
}
