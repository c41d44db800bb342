namespace PgMetrics.Runtime.Metrics;

/// <summary>Timestamps as OTLP carries them: nanoseconds since the Unix epoch.</summary>
public static class UnixTime
{
    /// <summary>The current time in Unix nanoseconds.</summary>
    public static long NowNanoseconds() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
