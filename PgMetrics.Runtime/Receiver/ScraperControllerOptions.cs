namespace PgMetrics.Runtime.Receiver;

/// <summary>When scrapes run: the OpenTelemetry scraper controller's settings, and the back-off after failures.</summary>
public sealed record ScraperControllerOptions
{
    /// <summary>Time between the starts of two scrapes (<c>collection_interval</c>).</summary>
    public TimeSpan CollectionInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Wait before the first scrape (<c>initial_delay</c>).</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest one scrape may take before it is cancelled (<c>timeout</c>); zero means the collection interval.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// The longest wait between scrapes of a target that keeps failing (nothing collected: unreachable,
    /// refusing, timing out). After each such scrape the wait doubles, from the collection interval up to
    /// this; the first scrape that collects anything returns to the interval. Zero (or anything not above the
    /// interval) turns back-off off. Default 5 minutes.
    /// </summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The scrape timeout in effect: <see cref="Timeout"/>, or the collection interval when it is zero.</summary>
    public TimeSpan EffectiveTimeout => Timeout > TimeSpan.Zero ? Timeout : CollectionInterval;

    /// <summary>Checks the values once, at start, so a bad setting fails loudly instead of spinning.</summary>
    public void Validate()
    {
        if (CollectionInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CollectionInterval), CollectionInterval, "collection_interval must be greater than zero.");
        }

        if (InitialDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialDelay), InitialDelay, "initial_delay must not be negative.");
        }

        if (Timeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "timeout must not be negative.");
        }

        if (MaxBackoff < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBackoff), MaxBackoff, "max_backoff must not be negative.");
        }
    }

    /// <summary>
    /// The wait before the next scrape after <paramref name="consecutiveFailures"/> failed scrapes in a row:
    /// the interval doubled per failure, at most <see cref="MaxBackoff"/>; the interval when there were none.
    /// </summary>
    public TimeSpan NextWait(int consecutiveFailures)
    {
        if (consecutiveFailures <= 0 || MaxBackoff <= CollectionInterval)
        {
            return CollectionInterval;
        }

        // 2^failures times the interval, without overflowing for long outages.
        var factor = Math.Pow(2, Math.Min(consecutiveFailures, 30));
        var wait = CollectionInterval.TotalMilliseconds * factor;
        return wait >= MaxBackoff.TotalMilliseconds ? MaxBackoff : TimeSpan.FromMilliseconds(wait);
    }
}
