namespace PgMetrics.Collector.Config;

/// <summary>A whole config file, validated: the PostgreSQL targets, the exporters, and the service settings.</summary>
public sealed record CollectorConfig(
    string FilePath,
    IReadOnlyList<ReceiverConfig> Receivers,
    IReadOnlyList<ExporterConfig> Exporters,
    ServiceConfig Service);
