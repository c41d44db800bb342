using System.Diagnostics;
using PgMetrics.Runtime.Scraping;
using PgMetrics.Runtime.Telemetry;

namespace PgMetrics.Runtime.Receiver;

/// <summary>
/// Runs a scraper on a fixed interval, as the OpenTelemetry Collector's scraper controller. Scrapes never
/// overlap: a scrape that overruns the interval delays the next one instead of running beside it, and
/// each is cancelled at its timeout. A target that keeps failing is tried less often (back-off, see
/// <see cref="ScraperControllerOptions.MaxBackoff"/>), and with a <see cref="ConcurrentScrapeLimit"/> a
/// scrape first waits for a slot shared with other receivers, so one slow or unreachable target never
/// holds up the rest for longer than its own timeout.
/// </summary>
public sealed class ScraperController
{
    /// <summary>Receives each scrape's result; its metrics buffer is reused by the next scrape once this returns.</summary>
    public delegate ValueTask ScrapeHandler(ScrapeResult result, CancellationToken cancellationToken);

    private readonly IScraper _scraper;
    private readonly ScraperControllerOptions _options;
    private readonly ScrapeHandler _onScraped;
    private readonly ConcurrentScrapeLimit? _limit;

    /// <summary>Creates a controller; nothing runs until <see cref="RunAsync"/>.</summary>
    /// <param name="scraper">What to run.</param>
    /// <param name="options">When to run it.</param>
    /// <param name="onScraped">Where each result goes.</param>
    /// <param name="receiver">The receiver's config name, for self-metrics.</param>
    /// <param name="limit">A limit on scrapes at once shared with other receivers, or null for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (see <see cref="ScraperControllerOptions.Validate"/>).</exception>
    public ScraperController(IScraper scraper, ScraperControllerOptions options, ScrapeHandler onScraped, string receiver = "postgresql", ConcurrentScrapeLimit? limit = null)
    {
        options.Validate();
        Receiver = receiver;
        _scraper = scraper;
        _options = options;
        _onScraped = onScraped;
        _limit = limit;
    }

    /// <summary>The receiver this controller runs for, for self-metrics.</summary>
    public string Receiver { get; }

    /// <summary>The scraper it runs.</summary>
    public IScraper Scraper => _scraper;

    /// <summary>The last scrape's result, or null before the first; read by readiness checks.</summary>
    public ScrapeResult? LastResult { get; private set; }

    /// <summary>Scrapes in a row that collected nothing and failed; 0 after one that collected anything.</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>The wait before the next scrape: the interval, or longer while the target keeps failing.</summary>
    public TimeSpan NextWait => _options.NextWait(ConsecutiveFailures);

    /// <summary>Scrapes until <paramref name="cancellationToken"/> is cancelled; returns normally then.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(_options.InitialDelay, cancellationToken).ConfigureAwait(false);
            var clock = Stopwatch.StartNew();
            var due = TimeSpan.Zero;
            while (true)
            {
                await ScrapeOnceAsync(cancellationToken).ConfigureAwait(false);

                // Starts keep their phase: a scrape that overran skips the starts it missed, as
                // PeriodicTimer does, rather than running several back to back.
                due += NextWait;
                var now = clock.Elapsed;
                if (due < now)
                {
                    due += _options.CollectionInterval * Math.Ceiling((now - due) / _options.CollectionInterval);
                }

                await Task.Delay(due - now, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs one scrape (after waiting for a slot of the shared limit, if any) with the configured timeout, and hands its result to the handler.</summary>
    public async Task<ScrapeResult> ScrapeOnceAsync(CancellationToken cancellationToken)
    {
        ScrapeResult result;
        using (_limit is null ? default : await _limit.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            // The timeout starts once the slot is held: time spent queueing behind other targets is not this target's.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.EffectiveTimeout);
            result = await _scraper.ScrapeAsync(timeout.Token).ConfigureAwait(false);
        }

        PgMetricsInstruments.RecordScrape(Receiver, _scraper.Name, result);
        LastResult = result;
        ConsecutiveFailures = result.PointsRecorded == 0 && !result.IsComplete ? ConsecutiveFailures + 1 : 0;
        await _onScraped(result, cancellationToken).ConfigureAwait(false);
        return result;
    }
}
