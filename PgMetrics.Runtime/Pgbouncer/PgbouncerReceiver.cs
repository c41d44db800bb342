using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Scraping;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Runtime.Pgbouncer;

/// <summary>
/// One PgBouncer: its <see cref="PgbouncerScraper"/> run by a <see cref="ScraperController"/>. Each scrape's
/// metrics go to the consumer; its problems are logged once when they start and once when they end, and
/// count in <c>pgmetrics.scrape.errors</c>. It is not ready while the console cannot be read (unreachable,
/// login refused) or while a pool has clients waiting and no server connection.
/// </summary>
public sealed class PgbouncerReceiver : IReceiver, IAsyncDisposable
{
    private readonly ScraperController _controller;
    private readonly IMetricsConsumer _metrics;
    private readonly ILogger _logger;
    private readonly ScrapeProblemLog _problems = new();
    private readonly Lock _problemsGate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    /// <summary>Creates a receiver; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="name">The config name, e.g. <c>pgbouncer/sidecar</c>.</param>
    /// <param name="console">Where the admin console is and how to log in.</param>
    /// <param name="controllerOptions">The schedule.</param>
    /// <param name="metricSet">Which PgBouncer metrics are collected.</param>
    /// <param name="metrics">Where each scrape's data points go.</param>
    /// <param name="logger">Where scrape problems are logged.</param>
    /// <param name="scrapeLimit">A limit on scrapes at once shared with other receivers, or null for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">A schedule option is out of range.</exception>
    public PgbouncerReceiver(string name, AdminConsoleOptions console, ScraperControllerOptions controllerOptions, PgbouncerMetricSet metricSet, IMetricsConsumer metrics, ILogger? logger = null, ConcurrentScrapeLimit? scrapeLimit = null)
    {
        Name = name;
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
        _controller = new ScraperController(new PgbouncerScraper(console, metricSet), controllerOptions, OnScrapedAsync, name, scrapeLimit);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The last scrape's result, or null before the first.</summary>
    public ScrapeResult? LastResult => _controller.LastResult;

    /// <inheritdoc/>
    public IReadOnlyList<string> ReadinessProblems
    {
        get
        {
            if (LastResult is not { } last)
            {
                return [$"receiver {Name}: no scrape finished yet"];
            }

            // Nothing read at all (unreachable, login refused), or pools that cannot serve their clients.
            return [.. last.Errors
                .Where(e => (last.PointsRecorded == 0 && e.Kind != ScrapeErrorKind.Query) || e.Query == PgbouncerHealth.Check)
                .Select(e => $"receiver {Name}: {e}")];
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ScrapeResult>> ScrapeOnceAsync(CancellationToken cancellationToken)
        => [await _controller.ScrapeOnceAsync(cancellationToken).ConfigureAwait(false)];

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _running = Task.Run(() => _controller.RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The deadline passed; the scrape is abandoned and its connection closed with it.
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _controller.Scraper.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private ValueTask OnScrapedAsync(ScrapeResult result, CancellationToken cancellationToken)
    {
        lock (_problemsGate)
        {
            var (started, ended) = _problems.Update(result);
            foreach (var problem in started)
            {
                RuntimeLog.ScrapeProblemStarted(_logger, Name, problem);
            }

            foreach (var problem in ended)
            {
                RuntimeLog.ScrapeProblemEnded(_logger, Name, problem);
            }
        }

        if (result.Metrics.Count > 0)
        {
            _metrics.ConsumeMetrics(result.Metrics);
        }

        return ValueTask.CompletedTask;
    }
}
