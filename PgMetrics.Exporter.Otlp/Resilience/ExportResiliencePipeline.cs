using PgMetrics.Exporter.Otlp.Transport;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace PgMetrics.Exporter.Otlp.Resilience;

/// <summary>
/// Builds the Polly pipeline one request goes through: retries with jittered exponential backoff that
/// honour <c>Retry-After</c>, around a circuit breaker that stops sending to an endpoint that keeps
/// failing, around a timeout per attempt. Only retryable outcomes (429, 502–504, broken connections)
/// and timeouts count as failures. What happens is reported to <see cref="ExportEvents"/> through one
/// telemetry listener.
/// </summary>
internal static class ExportResiliencePipeline
{
    private static readonly PredicateBuilder<SendOutcome> Retryable = new PredicateBuilder<SendOutcome>()
        .HandleResult(outcome => outcome.Kind == SendOutcomeKind.Retryable)
        .Handle<TimeoutRejectedException>();

    /// <summary>The pipeline for normal running: retry → circuit breaker → timeout per attempt.</summary>
    public static ResiliencePipeline<SendOutcome> Create(ExportResilienceOptions options, TimeSpan attemptTimeout, ExportEvents events, TimeProvider? timeProvider = null)
    {
        var builder = NewBuilder(events, options, timeProvider)
            .AddRetry(RetryOptions(options))
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<SendOutcome>
            {
                ShouldHandle = Retryable,
                FailureRatio = options.FailureRatio,
                MinimumThroughput = Math.Max(2, options.MinimumThroughput),
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
            });
        return builder.AddTimeout(attemptTimeout).Build();
    }

    /// <summary>
    /// The pipeline for the last flush at shutdown: retries and a timeout without a circuit breaker, because
    /// an endpoint that just recovered must not be skipped for a break that outlasts the process.
    /// </summary>
    public static ResiliencePipeline<SendOutcome> CreateFinal(ExportResilienceOptions options, TimeSpan attemptTimeout, ExportEvents events)
        => NewBuilder(events, options, timeProvider: null)
            .AddRetry(RetryOptions(options))
            .AddTimeout(attemptTimeout)
            .Build();

    private static ResiliencePipelineBuilder<SendOutcome> NewBuilder(ExportEvents events, ExportResilienceOptions options, TimeProvider? timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<SendOutcome> { TelemetryListener = new ExportTelemetryListener(events, options.BreakDuration) };
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }

        return builder;
    }

    private static RetryStrategyOptions<SendOutcome> RetryOptions(ExportResilienceOptions options)
        => new()
        {
            ShouldHandle = Retryable,
            MaxRetryAttempts = Math.Max(0, options.MaxRetryAttempts),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Result?.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero
                    ? (TimeSpan?)(retryAfter < options.MaxDelay ? retryAfter : options.MaxDelay)
                    : null),
        };
}
