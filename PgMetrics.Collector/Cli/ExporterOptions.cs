using System.CommandLine;
using PgMetrics.Runtime.Export;

namespace PgMetrics.Collector.Cli;

/// <summary>The command-line options that say where metrics go besides the console, and how.</summary>
internal sealed class ExporterOptions
{
    public Option<string?> Exporter { get; } = new("--exporter")
    {
        Description = "console, newrelic or otlp. Default: newrelic when NEW_RELIC_LICENSE_KEY is set, else console.",
    };

    public Option<string> Region { get; } = new("--newrelic-region")
    {
        Description = "New Relic data region: US, EU or FedRAMP.",
        DefaultValueFactory = _ => "US",
    };

    public Option<string?> Endpoint { get; } = new("--otlp-endpoint")
    {
        Description = "Base URL of an OTLP/HTTP receiver (for --exporter otlp), or to override New Relic's endpoint; /v1/metrics is appended.",
    };

    public Option<string[]> Headers { get; } = new("--otlp-header")
    {
        Description = "A header sent with every request, as name=value (repeatable).",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<string> Compression { get; } = new("--compression")
    {
        Description = "gzip, zstd or none.",
        DefaultValueFactory = _ => "gzip",
    };

    public Option<string?> Temporality { get; } = new("--temporality")
    {
        Description = "delta or cumulative for monotonic sums. Default: delta for New Relic, cumulative otherwise.",
    };

    public Option<string?> SpoolDirectory { get; } = new("--spool-dir")
    {
        Description = "Keep unsent requests in this folder, so an outage or a restart loses nothing (bounded by --max-queue-mb).",
    };

    public Option<int> MaxQueueMegabytes { get; } = new("--max-queue-mb")
    {
        Description = "The most unsent data kept, in MiB; beyond it the oldest is dropped and counted.",
        DefaultValueFactory = _ => 64,
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Exporter, Region, Endpoint, Headers, Compression, Temporality, SpoolDirectory, MaxQueueMegabytes })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Creates the exporter the options ask for; null for console only.</summary>
    public bool TryCreate(ParseResult parseResult, out MetricsExporter? exporter, out string error)
    {
        exporter = null;
        error = string.Empty;
        var licenseKey = Environment.GetEnvironmentVariable(NewRelicEndpoints.LicenseKeyVariable);
        var kind = parseResult.GetValue(Exporter) ?? (string.IsNullOrEmpty(licenseKey) ? "console" : "newrelic");
        if (kind == "console")
        {
            return true;
        }

        if (!TryBuildOptions(parseResult, kind, licenseKey, out var options, out error)
            || !TryParseCompression(parseResult.GetValue(Compression), out var compression, out error))
        {
            return false;
        }

        var temporality = parseResult.GetValue(Temporality) ?? (kind == "newrelic" ? "delta" : "cumulative");
        if (temporality is not ("delta" or "cumulative"))
        {
            error = $"--temporality: '{temporality}' is not delta or cumulative";
            return false;
        }

        var maxQueueBytes = Math.Max(1, parseResult.GetValue(MaxQueueMegabytes)) * 1024L * 1024;
        IPayloadStore store = parseResult.GetValue(SpoolDirectory) is { Length: > 0 } spool ? new DiskSpoolStore(spool) : new MemoryPayloadStore();
        exporter = new MetricsExporter(
            new OtlpHttpSender(options with { Compression = compression }),
            new ExportQueue(store, maxQueueBytes),
            new MetricsExporterOptions { DeltaTemporality = temporality == "delta", MaxQueueBytes = maxQueueBytes });
        return true;
    }

    private bool TryBuildOptions(ParseResult parseResult, string kind, string? licenseKey, out OtlpExporterOptions options, out string error)
    {
        options = null!;
        error = string.Empty;
        var endpoint = parseResult.GetValue(Endpoint);
        Uri? endpointUri = null;
        if (endpoint is not null && !Uri.TryCreate(endpoint, UriKind.Absolute, out endpointUri))
        {
            error = $"--otlp-endpoint: '{endpoint}' is not an absolute URL such as http://localhost:4318";
            return false;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in parseResult.GetValue(Headers) ?? [])
        {
            var separator = header.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                error = $"--otlp-header: expected name=value, got a value without '=' (header {headers.Count + 1})";
                return false;
            }

            headers[header[..separator].Trim()] = header[(separator + 1)..];
        }

        switch (kind)
        {
            case "newrelic":
                if (string.IsNullOrEmpty(licenseKey))
                {
                    error = $"--exporter newrelic needs the license key in {NewRelicEndpoints.LicenseKeyVariable}";
                    return false;
                }

                try
                {
                    options = NewRelicEndpoints.Options(licenseKey, parseResult.GetValue(Region) ?? "US");
                }
                catch (ArgumentException ex)
                {
                    error = "--newrelic-region: " + ex.Message;
                    return false;
                }

                foreach (var (name, value) in options.Headers)
                {
                    headers[name] = value;
                }

                options = options with { Endpoint = endpointUri ?? options.Endpoint, Headers = headers };
                return true;
            case "otlp":
                if (endpointUri is null)
                {
                    error = "--exporter otlp needs --otlp-endpoint, e.g. http://localhost:4318";
                    return false;
                }

                options = new OtlpExporterOptions { Endpoint = endpointUri, Headers = headers };
                return true;
            default:
                error = $"--exporter: '{kind}' is not one of console, newrelic, otlp";
                return false;
        }
    }

    private static bool TryParseCompression(string? text, out OtlpCompression compression, out string error)
    {
        error = string.Empty;
        switch (text)
        {
            case "gzip":
                compression = OtlpCompression.Gzip;
                return true;
            case "zstd":
                compression = OtlpCompression.Zstd;
                return true;
            case "none":
                compression = OtlpCompression.None;
                return true;
            default:
                compression = default;
                error = $"--compression: '{text}' is not gzip, zstd or none";
                return false;
        }
    }
}
