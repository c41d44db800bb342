namespace PgMetrics.Runtime.Receiver;

/// <summary>When scrapes run: the OpenTelemetry scraper controller's settings.</summary>
public sealed record ScraperControllerOptions
{
    /// <summary>Time between the starts of two scrapes (<c>collection_interval</c>).</summary>
    public TimeSpan CollectionInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Wait before the first scrape (<c>initial_delay</c>).</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest one scrape may take before it is cancelled (<c>timeout</c>); zero means the collection interval.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.Zero;

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
    }
}
