namespace PgMetrics.Runtime.Metrics;

/// <summary>Per-metric settings; generated code creates one per metric with its metadata.yaml default.</summary>
public sealed class MetricConfig
{
    /// <summary>Creates the settings with the metric's default.</summary>
    public MetricConfig(bool enabled)
    {
        Enabled = enabled;
        EnabledByDefault = enabled;
    }

    /// <summary>Whether the metric is collected.</summary>
    public bool Enabled { get; set; }

    /// <summary>The default from metadata.yaml.</summary>
    public bool EnabledByDefault { get; }
}
