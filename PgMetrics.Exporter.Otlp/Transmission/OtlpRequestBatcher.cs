using System.Buffers;
using PgMetrics.Exporter.Otlp.Serialization;
using PgMetrics.Exporter.Otlp.Transport;

namespace PgMetrics.Exporter.Otlp.Transmission;

/// <summary>
/// Turns encoded data into queued requests: encodes into a reused buffer, cuts what is over the payload
/// limit into valid smaller requests at the protobuf level, compresses each and queues them oldest first.
/// What the queue drops to stay within its bound, and what cannot be cut small enough, is reported.
/// </summary>
/// <remarks>
/// Requests are compressed here rather than when sent so the queue holds about a thirtieth of the encoded
/// bytes: with every one of 10,000 tables collected a scrape's 20 MB of requests waited in memory
/// uncompressed until the sender had sent them (docs/performance.md).
/// </remarks>
internal sealed class OtlpRequestBatcher : IDisposable
{
    private readonly ExportQueue _queue;
    private readonly OtlpRequestSplitter _splitter;
    private readonly int _maxRequestBytes;
    private readonly long _maxQueueBytes;
    private readonly ExportEvents _events;
    private readonly ArrayBufferWriter<byte> _encoded = new(64 * 1024);
    private readonly PayloadCompressor _compressor;
    private readonly Lock _gate = new();

    public OtlpRequestBatcher(ExportQueue queue, OtlpRequestSplitter splitter, OtlpCompression compression, int maxRequestBytes, long maxQueueBytes, ExportEvents events)
    {
        _queue = queue;
        _compressor = new PayloadCompressor(compression);
        _splitter = splitter;
        _maxRequestBytes = maxRequestBytes;
        _maxQueueBytes = maxQueueBytes;
        _events = events;
    }

    /// <summary>Encodes one request with <paramref name="encode"/> and queues it, in parts when it is too large.</summary>
    /// <param name="encode">Writes one OTLP export request.</param>
    /// <param name="items">How many data points or log records the request holds.</param>
    public void Add(Action<IBufferWriter<byte>> encode, int items)
    {
        lock (_gate)
        {
            _encoded.ResetWrittenCount();
            encode(_encoded);
            Queue(_encoded.WrittenSpan, items);
        }
    }

    /// <summary>
    /// Queues the requests <paramref name="encode"/> hands over one at a time, each already cut to about the
    /// payload limit by the writer (so no whole-scrape copy is made); one still over it is split here.
    /// </summary>
    /// <param name="encode">Writes the requests, calling its argument once per request.</param>
    public void AddRequests(Action<int, OtlpMetricsWriter.RequestHandler> encode)
    {
        lock (_gate)
        {
            encode(_maxRequestBytes, (request, points) => Queue(request, points));
        }
    }

    private List<byte[]> Split(byte[] payload)
    {
        var parts = _splitter.SplitToLimit(payload, _maxRequestBytes, out var oversized);
        foreach (var part in oversized)
        {
            _events.TooLarge(_splitter.CountLeaves(part), _maxRequestBytes);
        }

        return parts;
    }

    private void Queue(ReadOnlySpan<byte> request, int items)
    {
        if (request.Length <= _maxRequestBytes)
        {
            Queue(_compressor.Encode(request, items));
            return;
        }

        foreach (var part in Split(request.ToArray()))
        {
            Queue(_compressor.Encode(part, _splitter.CountLeaves(part)));
        }
    }

    private void Queue(EncodedRequest request)
    {
        foreach (var dropped in _queue.Enqueue(request))
        {
            _events.QueueFull(dropped.Points, _maxQueueBytes);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _compressor.Dispose();
}
