using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.Runtime.Metadata;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Queries;
using PgMetrics.Runtime.Scraping;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Runtime.Receiver;

/// <summary>
/// One PostgreSQL target: the catalogue scraper, and the query performance scraper when query
/// monitoring is on, each run by its own <see cref="ScraperController"/> over shared connections. Each
/// scrape's metrics and logs go to the consumers; its problems are logged once when they start and once
/// when they end.
/// </summary>
public sealed class PostgresReceiver : IReceiver, IAsyncDisposable
{
    private readonly ServerConnections _connections;
    private readonly List<ScraperController> _controllers = [];
    private readonly IMetricsConsumer _metrics;
    private readonly ILogsConsumer _logs;
    private readonly ILogger _logger;
    private readonly ScrapeProblemLog _problems = new();
    private readonly Lock _problemsGate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    /// <summary>Creates a receiver; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="name">The config name, e.g. <c>postgresql/replica</c>.</param>
    /// <param name="scraperOptions">The server and what to collect from it.</param>
    /// <param name="controllerOptions">The schedule.</param>
    /// <param name="metricSet">The metrics and queries; query monitoring needs the built-in <see cref="PostgresqlMetricSet"/>.</param>
    /// <param name="additionalMetricSets">More metric sets scraped from the same server on the same schedule, each by a scraper of its own over the shared connections: an app's own, generated from its metadata.yaml.</param>
    /// <param name="metrics">Where each scrape's data points go.</param>
    /// <param name="logs">Where each scrape's log records go.</param>
    /// <param name="logger">Where scrape problems are logged.</param>
    /// <exception cref="ArgumentException">The connection string is not valid (the message never repeats it).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A schedule option is out of range.</exception>
    public PostgresReceiver(string name, ScraperOptions scraperOptions, ScraperControllerOptions controllerOptions, MetricSet metricSet, IMetricsConsumer metrics, ILogsConsumer logs, ILogger? logger = null, IReadOnlyList<MetricSet>? additionalMetricSets = null)
    {
        Name = name;
        _metrics = metrics;
        _logs = logs;
        _logger = logger ?? NullLogger.Instance;
        _connections = new ServerConnections(scraperOptions);
        _controllers.Add(new ScraperController(new PostgresScraper(scraperOptions, metricSet, _connections), controllerOptions, OnScrapedAsync, name));
        if (scraperOptions.QueryMonitoring.Enabled && metricSet is PostgresqlMetricSet catalogue)
        {
            _controllers.Add(new ScraperController(new QueryPerformanceScraper(scraperOptions.QueryMonitoring, _connections, catalogue), controllerOptions, OnScrapedAsync, name));
        }

        foreach (var additional in additionalMetricSets ?? [])
        {
            _controllers.Add(new ScraperController(new PostgresScraper(scraperOptions, additional, _connections), controllerOptions, OnScrapedAsync, name));
        }
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The catalogue scraper's last result, or null before the first.</summary>
    public ScrapeResult? LastResult => _controllers[0].LastResult;

    /// <inheritdoc/>
    public IReadOnlyList<string> ReadinessProblems
    {
        get
        {
            var last = LastResult;
            if (last is null)
            {
                return [$"receiver {Name}: no scrape finished yet"];
            }

            return last.PointsRecorded == 0 && !last.IsComplete ? [$"receiver {Name}: last scrape failed: {last.Errors[0]}"] : [];
        }
    }

    /// <summary>Runs each scraper once now, outside the schedule (the <c>once</c> command); the results went to the consumers too.</summary>
    public async Task<IReadOnlyList<ScrapeResult>> ScrapeOnceAsync(CancellationToken cancellationToken)
    {
        var results = new List<ScrapeResult>();
        foreach (var controller in _controllers)
        {
            results.Add(await controller.ScrapeOnceAsync(cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _running = Task.WhenAll(_controllers.Select(controller => Task.Run(() => controller.RunAsync(_stop.Token), CancellationToken.None)));
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
            // The deadline passed; the scrape is abandoned and its connections closed below.
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var controller in _controllers)
        {
            await controller.Scraper.DisposeAsync().ConfigureAwait(false);
        }

        await _connections.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private ValueTask OnScrapedAsync(ScrapeResult result, CancellationToken cancellationToken)
    {
        lock (_problemsGate)
        {
            // Each problem is logged when it starts and when it ends, not on every scrape in between.
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

        if (!result.Logs.IsEmpty)
        {
            // Log records name the collector and the receiver they come from, besides the server.
            _logs.ConsumeLogs(result.Logs with { Resource = [KeyValue.String("service.name", "pgmetrics"), KeyValue.String("pgmetrics.receiver", Name), .. result.Logs.Resource] });
        }

        return ValueTask.CompletedTask;
    }
}
