using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Exporter.Otlp.Configuration;
using PgMetrics.Exporter.Otlp.NewRelic;

namespace PgMetrics.Exporter.Otlp.NewRelic;

/// <summary>A <c>newrelic[/name]</c> block: New Relic's OTLP endpoint for a region, with the license key.</summary>
public sealed record NewRelicExporterConfig : ExporterConfig
{
    /// <summary>The account's data region. Default US.</summary>
    public NewRelicRegion Region { get; init; } = NewRelicRegion.US;

    /// <summary>An endpoint that overrides the region's, e.g. a proxy.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The ingest license key: <c>api_key</c>, else the <c>NEW_RELIC_LICENSE_KEY</c> environment variable; null when neither is given. Never shown.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Compression, temporality (delta by default, New Relic's preference), queue and cardinality.</summary>
    public OtlpExportSettings Settings { get; init; } = new();

    /// <inheritdoc/>
    internal override void Validate(ConfigErrors errors)
    {
        if (ApiKey is null)
        {
            errors.Add(Path + ".api_key", $"no license key: set api_key (e.g. ${{env:{NewRelicEndpoints.LicenseKeyVariable}}}) or the {NewRelicEndpoints.LicenseKeyVariable} environment variable");
        }
    }

    /// <summary>Names the exporter and its region; never the key.</summary>
    public override string ToString() => $"{Name} ({Endpoint?.ToString() ?? Region.ToString()})";
}
