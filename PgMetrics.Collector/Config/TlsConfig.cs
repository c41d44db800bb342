namespace PgMetrics.Collector.Config;

/// <summary>The receiver's <c>tls</c> block, as in the OpenTelemetry receiver.</summary>
public sealed record TlsConfig
{
    /// <summary>true: connect without TLS. false (the default, as in OpenTelemetry): require TLS.</summary>
    public bool Insecure { get; init; }

    /// <summary>Use TLS but accept any server certificate.</summary>
    public bool InsecureSkipVerify { get; init; }

    public string? CaFile { get; init; }

    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }
}
