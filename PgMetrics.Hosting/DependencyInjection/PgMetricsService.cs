using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Hosting.DependencyInjection;

/// <summary>
/// The PgMetrics pipeline as a hosted service: it starts with the host (exporters first, then receivers),
/// and when the host stops it stops scraping and gives queued data until <c>Service.ShutdownTimeout</c>
/// (or the host's own shutdown deadline, whichever comes first) to leave. Components log through the
/// app's <see cref="ILoggerFactory"/>, under categories starting with <c>pgmetrics</c>.
/// </summary>
internal sealed class PgMetricsService : IHostedService, IAsyncDisposable
{
    private readonly IOptions<PgMetricsOptions> _options;
    private readonly PipelineHost _host;

    public PgMetricsService(IOptions<PgMetricsOptions> options, ILoggerFactory loggerFactory, IEnumerable<MetricSetRegistration> metricSets)
    {
        _options = options;
        var additional = metricSets.Select(set => set.Create).ToList();
        var factories = ComponentFactories.Default.With(new PostgresqlReceiverFactory(additional));
        _host = new PipelineHost(factories, loggerFactory);
    }

    /// <summary>What is wrong now, as the collector's <c>/readyz</c> says it; empty when ready.</summary>
    public IReadOnlyList<string> ReadinessProblems => _host.ReadinessProblems;

    /// <inheritdoc/>
    /// <exception cref="OptionsValidationException">The options have problems; each failure names its configuration path (or key) and what to write.</exception>
    public Task StartAsync(CancellationToken cancellationToken) => _host.ApplyAsync(_options.Value.ToConfig());

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Value.Service.ShutdownTimeout);
        await _host.ShutdownAsync(deadline.Token).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
