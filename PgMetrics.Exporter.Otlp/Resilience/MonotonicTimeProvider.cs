namespace PgMetrics.Exporter.Otlp.Resilience;

/// <summary>
/// A clock that reads the wall clock once and then advances with the monotonic timestamp, so durations
/// measured with it do not stretch or shrink when the wall clock is stepped (NTP, <c>date -s</c>, a VM
/// resumed). The exporter measures its waits with it: Polly's circuit breaker reads <see cref="GetUtcNow"/>
/// for the end of a break, and a step back of an hour would otherwise hold the circuit open for an hour.
/// Timers and timestamps are the inner clock's own.
/// </summary>
internal sealed class MonotonicTimeProvider : TimeProvider
{
    private readonly TimeProvider _inner;
    private readonly DateTimeOffset _start;
    private readonly long _startTimestamp;

    private MonotonicTimeProvider(TimeProvider inner)
    {
        _inner = inner;
        _start = inner.GetUtcNow();
        _startTimestamp = inner.GetTimestamp();
    }

    /// <summary><paramref name="inner"/> made monotonic; a clock that already is one is returned as it is.</summary>
    public static TimeProvider Over(TimeProvider inner) => inner as MonotonicTimeProvider ?? new MonotonicTimeProvider(inner);

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => _start + _inner.GetElapsedTime(_startTimestamp);

    /// <inheritdoc/>
    public override long GetTimestamp() => _inner.GetTimestamp();

    /// <inheritdoc/>
    public override long TimestampFrequency => _inner.TimestampFrequency;

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => _inner.CreateTimer(callback, state, dueTime, period);
}
