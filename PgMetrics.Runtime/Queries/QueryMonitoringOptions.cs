namespace PgMetrics.Runtime.Queries;

/// <summary>Query performance monitoring: off by default, one switch.</summary>
public sealed record QueryMonitoringOptions
{
    /// <summary>Whether the receiver runs the query performance scraper beside the catalogue's. Default false.</summary>
    public bool Enabled { get; init; }

    /// <summary>How many statements, by time spent since the previous scrape, are reported. Default 20.</summary>
    public int TopN { get; init; } = 20;

    /// <summary>Active queries running longer than this are sampled (normalized text only). Default 30 seconds.</summary>
    public TimeSpan LongRunningThreshold { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most samples per scrape. Default 50.</summary>
    public int MaxSamples { get; init; } = 50;
}
