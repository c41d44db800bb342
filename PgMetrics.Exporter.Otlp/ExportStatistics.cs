namespace PgMetrics.Exporter.Otlp;

/// <summary>What one signal of an exporter did, counted: nothing is lost without showing up here. Thread-safe.</summary>
public sealed class ExportStatistics
{
    private long _itemsExported;
    private long _bytesExported;
    private long _requestsSent;
    private long _retries;
    private long _itemsDropped;
    private long _itemsRejected;
    private int _circuitState;

    /// <summary>Data points (or log records) the receiver accepted.</summary>
    public long PointsExported => Interlocked.Read(ref _itemsExported);

    /// <summary>Uncompressed request bytes the receiver accepted.</summary>
    public long BytesExported => Interlocked.Read(ref _bytesExported);

    /// <summary>Requests that got an answer that ended them (accepted or rejected).</summary>
    public long RequestsSent => Interlocked.Read(ref _requestsSent);

    /// <summary>Retries after a retryable failure.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Points dropped because the queue or spool was full (oldest first), or a single point exceeded the payload limit.</summary>
    public long PointsDropped => Interlocked.Read(ref _itemsDropped);

    /// <summary>Points the receiver refused: a 400/401/403 answer, or OTLP partial success.</summary>
    public long PointsRejected => Interlocked.Read(ref _itemsRejected);

    /// <summary>The circuit breaker's state.</summary>
    public ExportCircuitState CircuitState => (ExportCircuitState)Volatile.Read(ref _circuitState);

    internal void CountExported(long points, long bytes)
    {
        Interlocked.Add(ref _itemsExported, points);
        Interlocked.Add(ref _bytesExported, bytes);
        Interlocked.Increment(ref _requestsSent);
    }

    internal void CountRejected(long points, bool requestEnded)
    {
        Interlocked.Add(ref _itemsRejected, points);
        if (requestEnded)
        {
            Interlocked.Increment(ref _requestsSent);
        }
    }

    internal void CountDropped(long points) => Interlocked.Add(ref _itemsDropped, points);

    internal void CountRetry() => Interlocked.Increment(ref _retries);

    internal void SetCircuitState(ExportCircuitState state) => Volatile.Write(ref _circuitState, (int)state);
}
