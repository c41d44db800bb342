namespace PgMetrics.Exporter.Otlp.Resilience;

/// <summary>Retry and circuit-breaker settings for one export endpoint.</summary>
public sealed record ExportResilienceOptions
{
    /// <summary>Retries of one request after the first attempt, before it waits in the queue for the next round.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>The first backoff delay; it doubles each retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff delay, and the longest <c>Retry-After</c> honoured.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The share of failed attempts within <see cref="SamplingDuration"/> that opens the circuit.</summary>
    public double FailureRatio { get; init; } = 0.5;

    /// <summary>Attempts needed within <see cref="SamplingDuration"/> before the circuit may open.</summary>
    public int MinimumThroughput { get; init; } = 4;

    /// <summary>The window failures are counted in.</summary>
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit refuses requests before one trial request (half-open); at least 0.5 s.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(15);
}
