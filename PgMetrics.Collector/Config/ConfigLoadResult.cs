namespace PgMetrics.Collector.Config;

/// <summary>A loaded config, or every problem found in it.</summary>
public sealed record ConfigLoadResult(CollectorConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Config is not null;
}
