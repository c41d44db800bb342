using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Exporter.Otlp.Configuration;

/// <summary>An <c>otlp[/name]</c> block: any OTLP/HTTP receiver, e.g. an OpenTelemetry Collector.</summary>
public sealed record OtlpExporterConfig : ExporterConfig
{
    /// <summary>The receiver's base URL; <c>/v1/metrics</c> and <c>/v1/logs</c> are appended. Required.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Headers sent with every request, e.g. a tenant id; values never shown.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Compression, temporality, queue and cardinality.</summary>
    public OtlpExportSettings Settings { get; init; } = new();

    /// <inheritdoc/>
    internal override void Validate(ConfigErrors errors)
    {
        if (Endpoint is null && !errors.Has(Path + ".endpoint"))
        {
            errors.Add(Path + ".endpoint", "an otlp exporter needs an endpoint, e.g. http://localhost:4318");
        }
    }

    /// <summary>Names the exporter and its endpoint; never a header value.</summary>
    public override string ToString() => $"{Name} ({Endpoint})";
}
