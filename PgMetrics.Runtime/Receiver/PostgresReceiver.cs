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
/// One PostgreSQL target: the catalogue scraper, when their events are on the query sample and top query
/// scrapers (top queries on <c>top_query_collection.collection_interval</c> when it is set), and a scraper of the
/// custom metric sets when there are any, each run by its own <see cref="ScraperController"/>. Each scrape's
/// metrics and logs go to the consumers; its problems are logged once when they start and once when they end.
/// </summary>
/// <remarks>
/// The custom sets (the collector's <c>metadata_files</c>) have connection pools of their own and a
/// schedule of their own, so a custom query that is slow, hangs until <c>query_timeout</c> or fails
/// never delays the catalogue's scrape nor takes its connections.
/// </remarks>
public sealed class PostgresReceiver : IReceiver, IAsyncDisposable
{
    private readonly ServerConnections _connections;
    private readonly ServerConnections? _customConnections;
    private readonly List<ScraperController> _controllers = [];
    private readonly IMetricsConsumer _metrics;
    private readonly ILogsConsumer _logs;
    private readonly ILogger _logger;
    private readonly ConcurrentScrapeLimit? _scrapeLimit;
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;

    /// <summary>Creates a receiver; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="name">The config name, e.g. <c>postgresql/replica</c>.</param>
    /// <param name="scraperOptions">The server and what to collect from it.</param>
    /// <param name="controllerOptions">The schedule.</param>
    /// <param name="metricSet">The metrics and queries; query monitoring needs the built-in <see cref="PostgresqlMetricSet"/>.</param>
    /// <param name="metrics">Where each scrape's data points go.</param>
    /// <param name="logs">Where each scrape's log records go.</param>
    /// <param name="logger">Where scrape problems are logged.</param>
    /// <param name="customMetricSets">
    /// More metric sets scraped beside <paramref name="metricSet"/> by a scraper named <c>custom_metrics</c>: an
    /// app's own, generated from its metadata.yaml, and run-time interpreted metadata.yaml files; their metric names must differ from each other's and the
    /// catalogue's. Their points carry <c>server.address</c> and <c>server.port</c> as <paramref name="metricSet"/>'s switches say.
    /// </param>
    /// <param name="scrapeLimit">A limit on scrapes at once shared with other receivers (a fleet of targets in one process), or null for none.</param>
    /// <exception cref="ArgumentException">The connection string is not valid (the message never repeats it).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A schedule option is out of range.</exception>
    public PostgresReceiver(string name, ScraperOptions scraperOptions, ScraperControllerOptions controllerOptions, MetricSet metricSet, IMetricsConsumer metrics, ILogsConsumer logs, ILogger? logger = null, IReadOnlyList<MetricSet>? customMetricSets = null, ConcurrentScrapeLimit? scrapeLimit = null)
    {
        Name = name;
        _metrics = metrics;
        _logs = logs;
        _logger = logger ?? NullLogger.Instance;
        // The built-in catalogue and the query scrapers read only built-in types; custom sets get connections of their own that load the server's.
        _connections = new ServerConnections(scraperOptions, loadServerTypes: metricSet.LoadsServerTypes);
        _scrapeLimit = scrapeLimit;
        Add(new PostgresScraper(scraperOptions, metricSet, _connections), controllerOptions);
        if (metricSet is PostgresqlMetricSet catalogue)
        {
            var monitoring = scraperOptions.QueryMonitoring;

            // Samples join their top query by query id where the top-query scraper has read its text.
            var statementTexts = monitoring.TopQuery.Enabled ? new StatementTexts() : null;
            if (monitoring.QuerySample.Enabled)
            {
                Add(new QuerySampleScraper(monitoring.QuerySample, _connections, catalogue, statementTexts), controllerOptions);
            }

            if (monitoring.TopQuery.Enabled)
            {
                var schedule = monitoring.TopQuery.CollectionInterval > TimeSpan.Zero ? controllerOptions with { CollectionInterval = monitoring.TopQuery.CollectionInterval } : controllerOptions;
                Add(new TopQueryScraper(monitoring.TopQuery, _connections, catalogue, scraperOptions.QueryTimeout, statementTexts), schedule);
            }
        }

        if (customMetricSets is { Count: > 0 })
        {
            _customConnections = new ServerConnections(scraperOptions);
            var custom = new MetricSetGroup("custom", customMetricSets, serverIdentity: metricSet);
            Add(new PostgresScraper(scraperOptions, custom, _customConnections, CustomScraperName), controllerOptions);
        }
    }

    /// <summary>The name of the scraper of the custom metric sets, in self-metrics (<c>pgmetrics.scrape.*</c>).</summary>
    public const string CustomScraperName = "custom_metrics";

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

            if (last.PointsRecorded > 0 || last.IsComplete)
            {
                return [];
            }

            var catalogue = _controllers[0];
            var retry = catalogue.ConsecutiveFailures > 1 ? $" ({catalogue.ConsecutiveFailures} scrapes in a row; next try in {catalogue.NextWait.TotalSeconds:0} s)" : string.Empty;
            return [$"receiver {Name}: last scrape failed{retry}: {last.Errors[0]}"];
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
        if (_customConnections is not null)
        {
            await _customConnections.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    // Each scraper remembers its own problems: compared with another scraper's results, they would
    // look resolved on every scrape of that one and be logged again on the next of their own.
    private void Add(IScraper scraper, ScraperControllerOptions options)
    {
        var problems = new ScrapeProblemLog();
        _controllers.Add(new ScraperController(scraper, options, (result, cancellationToken) => OnScrapedAsync(problems, result, cancellationToken), Name, _scrapeLimit));
    }

    private ValueTask OnScrapedAsync(ScrapeProblemLog problems, ScrapeResult result, CancellationToken cancellationToken)
    {
        lock (problems)
        {
            // Each problem is logged when it starts and when it ends, not on every scrape in between.
            var (started, ended) = problems.Update(result);
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
            // The server's identity (service.instance.id, server.address, server.port) makes the events part of New
            // Relic's PostgreSQL entity; the receiver's name says which block collected them. No service.name: it
            // would make every server's events one made-up "pgmetrics" service in New Relic.
            _logs.ConsumeLogs(result.Logs with { Resource = [.. result.Logs.Resource, KeyValue.String("pgmetrics.receiver", Name)] });
        }

        return ValueTask.CompletedTask;
    }
}
