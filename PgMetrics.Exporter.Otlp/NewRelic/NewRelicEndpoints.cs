namespace PgMetrics.Exporter.Otlp.NewRelic;

/// <summary>New Relic's OTLP endpoints by data region, and the exporter settings New Relic asks for.</summary>
public static class NewRelicEndpoints
{
    /// <summary>The environment variable the license key is read from when the config does not give one.</summary>
    public const string LicenseKeyVariable = "NEW_RELIC_LICENSE_KEY";

    /// <summary>The header New Relic reads the license key from.</summary>
    public const string LicenseKeyHeader = "api-key";

    /// <summary>The OTLP endpoint of <paramref name="region"/>, as New Relic's OTLP documentation lists them.</summary>
    public static Uri ForRegion(NewRelicRegion region) => region switch
    {
        NewRelicRegion.EU => new Uri("https://otlp.eu01.nr-data.net"),
        NewRelicRegion.FedRAMP => new Uri("https://gov-otlp.nr-data.net"),
        _ => new Uri("https://otlp.nr-data.net"),
    };

    /// <summary>
    /// Exporter options for New Relic: the region's endpoint, the license key in the <c>api-key</c> header,
    /// gzip, and requests under New Relic's 1,000,000-byte payload limit. New Relic prefers monotonic sums
    /// as deltas: for that, run a <c>DeltaTemporalityProcessor</c> before the exporter and set
    /// <see cref="OtlpExporterOptions.MonotonicSumTemporality"/> to delta.
    /// </summary>
    /// <param name="licenseKey">An ingest license key; never logged.</param>
    /// <param name="region">The account's data region.</param>
    public static OtlpExporterOptions Options(string licenseKey, NewRelicRegion region = NewRelicRegion.US)
        => new()
        {
            Name = "newrelic",
            Endpoint = ForRegion(region),
            Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [LicenseKeyHeader] = licenseKey },
            Compression = OtlpCompression.Gzip,
            MaxRequestBytes = OtlpExporterOptions.NewRelicPayloadLimit,
        };
}
