namespace PgMetrics.Exporter.Otlp;

/// <summary>How request bodies are compressed.</summary>
public enum OtlpCompression
{
    /// <summary>gzip, which every OTLP/HTTP receiver accepts.</summary>
    Gzip,

    /// <summary>zstd: smaller and faster than gzip; New Relic accepts it.</summary>
    Zstd,

    /// <summary>Uncompressed, for debugging.</summary>
    None,
}
