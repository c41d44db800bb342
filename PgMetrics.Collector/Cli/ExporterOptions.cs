using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Hosting;
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

        var endpoint = parseResult.GetValue(Endpoint);
        var region = parseResult.GetValue(Region) ?? "US";
        var compression = parseResult.GetValue(Compression);
        var temporality = parseResult.GetValue(Temporality);
        error = kind switch
        {
            not ("newrelic" or "otlp") => $"--exporter: '{kind}' is not one of console, newrelic, otlp",
            _ when endpoint is not null && !Uri.TryCreate(endpoint, UriKind.Absolute, out _) => $"--otlp-endpoint: '{endpoint}' is not an absolute URL such as http://localhost:4318",
            "otlp" when endpoint is null => "--exporter otlp needs --otlp-endpoint, e.g. http://localhost:4318",
            "newrelic" when string.IsNullOrEmpty(licenseKey) => $"--exporter newrelic needs the license key in {NewRelicEndpoints.LicenseKeyVariable}",
            "newrelic" when region is not ("US" or "EU" or "FedRAMP") => $"--newrelic-region: '{region}' is not US, EU or FedRAMP",
            _ when compression is not ("gzip" or "zstd" or "none") => $"--compression: '{compression}' is not gzip, zstd or none",
            _ when temporality is not (null or "delta" or "cumulative") => $"--temporality: '{temporality}' is not delta or cumulative",
            _ => string.Empty,
        };
        if (error.Length > 0 || !TryParseHeaders(parseResult.GetValue(Headers) ?? [], out var headers, out error))
        {
            return false;
        }

        var config = new ExporterConfig
        {
            Name = kind,
            Kind = kind,
            Region = region,
            Endpoint = endpoint,
            Headers = headers,
            Compression = compression!,
            Temporality = temporality,
            SpoolDirectory = parseResult.GetValue(SpoolDirectory),
            MaxQueueMegabytes = Math.Max(1, parseResult.GetValue(MaxQueueMegabytes)),
        };
        exporter = ExporterFactory.Create(config, ExporterFactory.CreateQueue(config), NullLogger.Instance);
        return true;
    }

    private static bool TryParseHeaders(string[] pairs, out Dictionary<string, string> headers, out string error)
    {
        headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        error = string.Empty;
        foreach (var pair in pairs)
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                // The value may be a secret, so the message does not repeat it.
                error = $"--otlp-header: expected name=value, got a value without '=' (header {headers.Count + 1})";
                return false;
            }

            headers[pair[..separator].Trim()] = pair[(separator + 1)..];
        }

        return true;
    }
}
