namespace PgMetrics.Runtime.Pipeline;

/// <summary>A pipeline component with a lifecycle, as in the OpenTelemetry Collector: a receiver or an exporter.</summary>
public interface IComponent
{
    /// <summary>The component's config name, e.g. <c>postgresql/replica</c> or <c>newrelic</c>.</summary>
    string Name { get; }

    /// <summary>What is wrong with the component now, for <c>/readyz</c>; empty when it is healthy.</summary>
    IReadOnlyList<string> ReadinessProblems { get; }

    /// <summary>Starts working in the background; returns once started.</summary>
    /// <param name="cancellationToken">Cancels starting, not the work started.</param>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stops: a receiver finishes or cancels its scrape and closes its connections; an exporter sends
    /// what is queued. Gives up when <paramref name="cancellationToken"/> fires (the shutdown deadline).
    /// </summary>
    /// <param name="cancellationToken">The shutdown deadline.</param>
    Task ShutdownAsync(CancellationToken cancellationToken);
}
