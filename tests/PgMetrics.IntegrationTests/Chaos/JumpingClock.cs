namespace PgMetrics.IntegrationTests.Chaos;

/// <summary>
/// The machine's clocks with a wall clock a test can step, as NTP or an operator's <c>date -s</c> steps it:
/// <see cref="GetUtcNow"/> moves by <see cref="Jump"/>, while the monotonic timestamp and the timers run on
/// undisturbed, exactly as on a real machine. The tests may not change the machine's own clock.
/// </summary>
public sealed class JumpingClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Steps the wall clock by <paramref name="by"/> (negative: back).</summary>
    public void Jump(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public override long GetTimestamp() => System.GetTimestamp();

    public override long TimestampFrequency => System.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => System.CreateTimer(callback, state, dueTime, period);
}
