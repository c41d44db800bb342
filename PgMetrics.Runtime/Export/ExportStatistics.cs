using Polly.CircuitBreaker;

namespace PgMetrics.Runtime.Export;

/// <summary>What the exporter did, counted: nothing is lost without showing up here.</summary>
public sealed class ExportStatistics
{
    private long _pointsExported;
    private long _bytesExported;
    private long _requestsSent;
    private long _retries;
    private long _pointsDropped;
    private long _pointsRejected;
    private int _circuitState;

    /// <summary>Points the receiver accepted.</summary>
    public long PointsExported => Interlocked.Read(ref _pointsExported);

    /// <summary>Uncompressed request bytes the receiver accepted.</summary>
    public long BytesExported => Interlocked.Read(ref _bytesExported);

    /// <summary>Requests that got an answer that ended them (accepted or rejected).</summary>
    public long RequestsSent => Interlocked.Read(ref _requestsSent);

    /// <summary>Retries after a retryable failure.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Points dropped because the queue or spool was full (oldest first), or a single point exceeded the payload limit.</summary>
    public long PointsDropped => Interlocked.Read(ref _pointsDropped);

    /// <summary>Points the receiver refused: a 400/401/403 answer, or OTLP partial success.</summary>
    public long PointsRejected => Interlocked.Read(ref _pointsRejected);

    /// <summary>The circuit breaker's state.</summary>
    public CircuitState CircuitState => (CircuitState)Volatile.Read(ref _circuitState);

    internal void CountExported(long points, long bytes)
    {
        Interlocked.Add(ref _pointsExported, points);
        Interlocked.Add(ref _bytesExported, bytes);
        Interlocked.Increment(ref _requestsSent);
    }

    internal void CountRejected(long points, bool requestEnded)
    {
        Interlocked.Add(ref _pointsRejected, points);
        if (requestEnded)
        {
            Interlocked.Increment(ref _requestsSent);
        }
    }

    internal void CountDropped(long points) => Interlocked.Add(ref _pointsDropped, points);

    internal void CountRetry() => Interlocked.Increment(ref _retries);

    internal void SetCircuitState(CircuitState state) => Volatile.Write(ref _circuitState, (int)state);
}
