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
        return new MetricsExporter(
            new OtlpHttpSender(options with { Compression = compression }),
            queue,
            new MetricsExporterOptions { Name = config.Name, DeltaTemporality = delta, MaxQueueBytes = config.MaxQueueMegabytes * 1024L * 1024 },
            logger);
    }
}
