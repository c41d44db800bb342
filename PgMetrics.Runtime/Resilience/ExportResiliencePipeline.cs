using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using PgMetrics.Runtime.Export;

namespace PgMetrics.Runtime.Resilience;

/// <summary>
/// Builds the Polly pipeline one request goes through: retries with jittered exponential backoff
/// that honour <c>Retry-After</c>, around a circuit breaker that stops sending to an endpoint that
/// keeps failing. Only retryable outcomes (429, 502–504, timeouts, broken connections) count.
/// </summary>
public static class ExportResiliencePipeline
{
    /// <summary>
    /// The pipeline for the last flush at shutdown: retries without a circuit breaker, because an
    /// endpoint that just recovered must not be skipped for a break that outlasts the process.
    /// </summary>
    public static ResiliencePipeline<SendOutcome> CreateFinal(ExportResilienceOptions options, ExportStatistics statistics, string exporterName = "otlp")
        => new ResiliencePipelineBuilder<SendOutcome>()
            .AddRetry(RetryOptions(options, statistics, exporterName))
            .Build();

    public static ResiliencePipeline<SendOutcome> Create(ExportResilienceOptions options, ExportStatistics statistics, string exporterName = "otlp", TimeProvider? timeProvider = null)
    {
        var builder = new ResiliencePipelineBuilder<SendOutcome>();
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }

        return builder
            .AddRetry(RetryOptions(options, statistics, exporterName))
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<SendOutcome>
            {
                ShouldHandle = Retryable,
                FailureRatio = options.FailureRatio,
                MinimumThroughput = Math.Max(2, options.MinimumThroughput),
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                OnOpened = _ =>
                {
                    statistics.SetCircuitState(CircuitState.Open);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    statistics.SetCircuitState(CircuitState.HalfOpen);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    statistics.SetCircuitState(CircuitState.Closed);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    private static RetryStrategyOptions<SendOutcome> RetryOptions(ExportResilienceOptions options, ExportStatistics statistics, string exporterName)
        => new RetryStrategyOptions<SendOutcome>
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
            OnRetry = _ =>
            {
                statistics.CountRetry();
                Telemetry.PgMetricsInstruments.RecordRetry(exporterName);
                return ValueTask.CompletedTask;
            },
        };

    private static readonly PredicateBuilder<SendOutcome> Retryable = new PredicateBuilder<SendOutcome>().HandleResult(outcome => outcome.Kind == SendOutcomeKind.Retryable);
}
