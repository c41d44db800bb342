using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Hosting;

/// <summary>A loaded config, or every problem found in it.</summary>
internal sealed record ConfigLoadResult(CollectorConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    /// <summary>Whether the config can be run: no problem was found.</summary>
    public bool IsValid => Config is not null;
}
