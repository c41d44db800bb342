namespace PgMetrics.Runtime.Metrics;

/// <summary>Per-resource-attribute settings; generated code creates one per attribute.</summary>
public sealed class ResourceAttributeConfig
{
    /// <summary>Creates the settings with the attribute's default.</summary>
    public ResourceAttributeConfig(bool enabled) => Enabled = enabled;

    /// <summary>Whether the attribute is sent.</summary>
    public bool Enabled { get; set; }
}
