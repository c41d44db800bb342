using Microsoft.Extensions.Logging;
using PgMetrics.Collector.Config;
using PgMetrics.Runtime.Export;

namespace PgMetrics.Collector.Hosting;

/// <summary>Builds a metrics exporter from a validated exporter block.</summary>
internal static class ExporterFactory
{
    /// <summary>The queue an exporter keeps its unsent requests in; it outlives the exporter across config reloads.</summary>
    public static ExportQueue CreateQueue(ExporterConfig config)
        => new(config.SpoolDirectory is { Length: > 0 } spool ? new DiskSpoolStore(spool) : new MemoryPayloadStore(), config.MaxQueueMegabytes * 1024L * 1024);

    public static MetricsExporter Create(ExporterConfig config, ExportQueue queue, ILogger logger)
    {
        var (options, delta) = SenderOptions(config);
        return new MetricsExporter(
            new OtlpHttpSender(options),
            queue,
            new MetricsExporterOptions { Name = config.Name, DeltaTemporality = delta, MaxQueueBytes = config.MaxQueueMegabytes * 1024L * 1024, Cardinality = config.Cardinality },
            logger);
    }

    /// <summary>The logs exporter for the same destination (query samples go to /v1/logs).</summary>
    public static LogsExporter CreateLogs(ExporterConfig config, ILogger logger)
        => new(SenderOptions(config).Options, new Runtime.Resilience.ExportResilienceOptions(), logger);

    private static (OtlpExporterOptions Options, bool Delta) SenderOptions(ExporterConfig config)
    {
        var compression = config.Compression switch
        {
            "zstd" => OtlpCompression.Zstd,
            "none" => OtlpCompression.None,
            _ => OtlpCompression.Gzip,
        };
        OtlpExporterOptions options;
        if (config.Kind == "newrelic")
        {
            var key = config.ApiKey ?? Environment.GetEnvironmentVariable(NewRelicEndpoints.LicenseKeyVariable) ?? string.Empty;
            options = NewRelicEndpoints.Options(key, config.Region);
            var headers = new Dictionary<string, string>(config.Headers, StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in options.Headers)
            {
                headers[name] = value;
            }

            options = options with { Endpoint = config.Endpoint is { } endpoint ? new Uri(endpoint) : options.Endpoint, Headers = headers };
        }
        else
        {
            options = new OtlpExporterOptions { Endpoint = new Uri(config.Endpoint!), Headers = config.Headers };
        }

        var delta = (config.Temporality ?? (config.Kind == "newrelic" ? "delta" : "cumulative")) == "delta";
        return (options with { Compression = compression }, delta);
    }
}
