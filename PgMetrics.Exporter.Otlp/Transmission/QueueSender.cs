using PgMetrics.Exporter.Otlp.Resilience;
using PgMetrics.Exporter.Otlp.Serialization;
using PgMetrics.Exporter.Otlp.Transport;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace PgMetrics.Exporter.Otlp.Transmission;

/// <summary>
/// Drains an export queue in order through the resilience pipeline to the transport, and decides what
/// each outcome means for the queue: accepted requests leave it, refused ones are counted and leave
/// it, a 413 splits the request in place once (a half refused again is dropped), and retryable failures
/// stay queued for the next round. A
/// request leaves the queue only when the endpoint has answered it.
/// </summary>
internal sealed class QueueSender : IDisposable
{
    private readonly ExportQueue _queue;
    private readonly OtlpHttpTransport _transport;
    private readonly OtlpRequestSplitter _splitter;
    private readonly OtlpExporterOptions _options;
    private readonly ExportEvents _events;
    private readonly ResiliencePipeline<SendOutcome> _pipeline;
    private readonly ResiliencePipeline<SendOutcome> _finalPipeline;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly SemaphoreSlim _pending = new(0, 1);
    private readonly PayloadCompressor _compressor;
    private readonly TimeProvider _time;
    private int _maxItemsPerRequest = int.MaxValue;

    public QueueSender(ExportQueue queue, OtlpHttpTransport transport, OtlpRequestSplitter splitter, OtlpExporterOptions options, ExportEvents events, TimeProvider? time = null)
    {
        _queue = queue;
        _transport = transport;
        _splitter = splitter;
        _options = options;
        _events = events;
        _time = time ?? TimeProvider.System;
        _compressor = new PayloadCompressor(options.Compression);
        _pipeline = ExportResiliencePipeline.Create(options.Resilience, options.Timeout, events, _time);
        _finalPipeline = ExportResiliencePipeline.CreateFinal(options.Resilience, options.Timeout, events);
    }

    public ExportQueue Queue => _queue;

    /// <summary>Tells the send loop that something was queued.</summary>
    public void Signal()
    {
        if (_pending.CurrentCount == 0)
        {
            try
            {
                _pending.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another submit already signalled the loop.
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
                var retryIn = await SendPendingAsync(respectBatchAge: true, _pipeline, cancellationToken).ConfigureAwait(false);
                if (retryIn is { } delay)
                {
                    await WaitForSignalOrAsync(delay, cancellationToken).ConfigureAwait(false);
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
    /// Waits until something is queued or <paramref name="delay"/> passes. The wait for the signal is
    /// cancelled when the delay wins: left pending, it would take a later signal meant for the next round,
    /// and after an outage of many rounds the data of as many scrapes would wait for later scrapes.
    /// </summary>
    private async Task WaitForSignalOrAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var round = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signalled = _pending.WaitAsync(round.Token);
        await Task.WhenAny(Task.Delay(delay, round.Token), signalled).ConfigureAwait(false);
        await round.CancelAsync().ConfigureAwait(false);
        try
        {
            await signalled.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The delay won; nothing was taken from the semaphore.
        }
    }

    /// <summary>Sends everything queued, ignoring the batch age, until the queue is empty (true) or <paramref name="cancellationToken"/> fires (false).</summary>
    public async Task<bool> FlushAsync(FlushMode mode, CancellationToken cancellationToken)
    {
        var pipeline = mode == FlushMode.Final ? _finalPipeline : _pipeline;
        try
        {
            while (_queue.Count > 0 && !cancellationToken.IsCancellationRequested)
            {
                if (await SendPendingAsync(respectBatchAge: false, pipeline, cancellationToken).ConfigureAwait(false) is { } delay)
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
    private async Task<TimeSpan?> SendPendingAsync(bool respectBatchAge, ResiliencePipeline<SendOutcome> pipeline, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (_queue.Count > 0)
            {
                if (respectBatchAge && _options.MaxBatchAge > TimeSpan.Zero && _queue.RequestBytes < _options.MaxRequestBytes
                    && _queue.OldestCreatedAt is { } oldest && _time.GetUtcNow() - oldest < _options.MaxBatchAge)
                {
                    return _options.MaxBatchAge - (_time.GetUtcNow() - oldest);
                }

                var batch = _queue.PeekBatch(_options.MaxRequestBytes, _maxItemsPerRequest);
                var items = batch.Sum(b => b.Item.Points);
                var requestBytes = batch.Sum(b => b.Item.RequestBytes);
                SendOutcome outcome;
                try
                {
                    var (body, compression) = Join(batch);
                    outcome = await pipeline.ExecuteAsync(async token => await _transport.SendAsync(body, compression, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException)
                {
                    // A spooled body that does not decompress (a file changed on disk) cannot be sent; the rest can.
                    DropUnreadable(batch);
                    continue;
                }
                catch (BrokenCircuitException)
                {
                    _events.CircuitRefused();
                    return _options.Resilience.BreakDuration;
                }
                catch (TimeoutRejectedException)
                {
                    outcome = new SendOutcome(SendOutcomeKind.Retryable, 0, null, 0, $"no answer from {_transport.Destination} within {_options.Timeout.TotalSeconds:0.#} s");
                }

                switch (outcome.Kind)
                {
                    case SendOutcomeKind.Accepted:
                        _queue.Remove(batch.Select(b => b.Item));
                        _events.Accepted(items, requestBytes, outcome.RejectedPoints, outcome.Message);
                        _maxItemsPerRequest = int.MaxValue;
                        break;
                    case SendOutcomeKind.TooLarge when batch.Count > 1:
                        // Joined requests were too much together; send them one at a time until one succeeds.
                        _maxItemsPerRequest = 1;
                        break;
                    case SendOutcomeKind.TooLarge:
                        // The halves go one at a time: joined, they would be the request just refused.
                        _maxItemsPerRequest = 1;
                        SplitOrDrop(batch[0].Item, batch[0].Body);
                        break;
                    case SendOutcomeKind.Rejected:
                        _queue.Remove(batch.Select(b => b.Item));
                        _events.Refused(items, outcome);
                        break;
                    default:
                        if (ReferenceEquals(pipeline, _finalPipeline))
                        {
                            // The final flush keeps trying until its deadline.
                            return _options.Resilience.BaseDelay;
                        }

                        _events.FailedAfterRetries(outcome, _queue.Count);
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

    /// <summary>
    /// A request the endpoint refused as too large (413) is split once, into two halves that take its place;
    /// a half refused too is dropped, and counted and logged once with its point count. Splitting no further
    /// bounds what a 413 costs: every request the batcher made is already under the payload limit, so an
    /// endpoint that still refuses a half refuses for another reason (a lower limit, or a 413 to anything), and
    /// splitting down to single points would send two requests and log a line for every point.
    /// </summary>
    private void SplitOrDrop(ExportItem item, byte[] body)
    {
        if (!item.IsSplitHalf)
        {
            var request = PayloadCompressor.Decompress(body, item.Compression, item.RequestBytes);
            if (_splitter.Split(request) is { } halves)
            {
                _queue.Replace(item, _compressor.Encode(halves.First, _splitter.CountLeaves(halves.First)), _compressor.Encode(halves.Second, _splitter.CountLeaves(halves.Second)));
                return;
            }
        }

        _queue.Remove([item]);
        _events.RefusedAsTooLarge(item.Points, item.RequestBytes);
    }

    private void DropUnreadable(IReadOnlyList<(ExportItem Item, byte[] Body)> batch)
    {
        foreach (var (item, body) in batch)
        {
            try
            {
                PayloadCompressor.Decompress(body, item.Compression, item.RequestBytes);
            }
            catch (InvalidDataException ex)
            {
                _queue.Remove([item]);
                _events.Unreadable(item.Points, item.Id, ex.Message);
            }
        }
    }

    /// <summary>
    /// The body to send for <paramref name="batch"/>: a single request as it was kept; several decompressed,
    /// joined (concatenated OTLP export requests are one valid request holding all their resources) and
    /// compressed again.
    /// </summary>
    /// <exception cref="InvalidDataException">A kept body of several does not decompress.</exception>
    private (ReadOnlyMemory<byte> Body, OtlpCompression Compression) Join(IReadOnlyList<(ExportItem Item, byte[] Body)> batch)
    {
        if (batch.Count == 1)
        {
            return (batch[0].Body, batch[0].Item.Compression);
        }

        var joined = new byte[batch.Sum(b => b.Item.RequestBytes)];
        var offset = 0;
        foreach (var (item, body) in batch)
        {
            PayloadCompressor.Decompress(body, item.Compression, item.RequestBytes).CopyTo(joined, offset);
            offset += item.RequestBytes;
        }

        var encoded = _compressor.Encode(joined, 0);
        return (encoded.Body, encoded.Compression);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _sendGate.Dispose();
        _pending.Dispose();
        _compressor.Dispose();
    }
}
