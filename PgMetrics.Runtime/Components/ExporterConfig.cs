namespace PgMetrics.Runtime.Components;

/// <summary>The config of an exporter: one block under <c>exporters:</c>.</summary>
public abstract record ExporterConfig : ComponentConfig
{
    /// <inheritdoc/>
    public override string Path => "exporters." + Name;
}
