namespace PgMetrics.Runtime.Export;

/// <summary>New Relic's OTLP endpoints by data region.</summary>
public static class NewRelicEndpoints
{
    /// <summary>The environment variable the license key is read from when the config does not give one.</summary>
    public const string LicenseKeyVariable = "NEW_RELIC_LICENSE_KEY";

    /// <summary>The endpoint of a region: US, EU or FedRAMP.</summary>
    public static Uri ForRegion(string region) => region.ToUpperInvariant() switch
    {
        "US" => new Uri("https://otlp.nr-data.net"),
        "EU" => new Uri("https://otlp.eu01.nr-data.net"),
        "FEDRAMP" => new Uri("https://gov-otlp.nr-data.net"),
        _ => throw new ArgumentException($"Unknown New Relic region '{region}'; use US, EU or FedRAMP.", nameof(region)),
    };

    /// <summary>Exporter options for New Relic: the region's endpoint and the license key in the <c>api-key</c> header.</summary>
    public static OtlpExporterOptions Options(string licenseKey, string region = "US")
        => new()
        {
            Endpoint = ForRegion(region),
            Headers = new Dictionary<string, string> { ["api-key"] = licenseKey },
            Compression = OtlpCompression.Gzip,
        };
}
