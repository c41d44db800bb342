namespace PgMetrics.Runtime.Export;

/// <summary>Where and how to send OTLP/HTTP protobuf.</summary>
public sealed record OtlpExporterOptions
{
    /// <summary>The receiver's base URL; <c>/v1/metrics</c> is appended.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>Headers sent with every request, e.g. New Relic's <c>api-key</c>. Their values are never logged.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Request body compression.</summary>
    public OtlpCompression Compression { get; init; } = OtlpCompression.Gzip;

    /// <summary>How long one request may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The full URL metrics are posted to.</summary>
    public Uri MetricsUri => new(Endpoint.AbsoluteUri.TrimEnd('/') + "/v1/metrics");
}
