using System.CommandLine;
using PgMetrics.Runtime.Export;

namespace PgMetrics.Collector.Cli;

/// <summary>The command-line options that say where metrics go besides the console.</summary>
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

    public void AddTo(Command command)
    {
        command.Options.Add(Exporter);
        command.Options.Add(Region);
        command.Options.Add(Endpoint);
    }

    /// <summary>Creates the OTLP exporter the options ask for; null for console only.</summary>
    public bool TryCreate(ParseResult parseResult, out OtlpHttpExporter? exporter, out string error)
    {
        exporter = null;
        error = string.Empty;
        var licenseKey = Environment.GetEnvironmentVariable(NewRelicEndpoints.LicenseKeyVariable);
        var kind = parseResult.GetValue(Exporter) ?? (string.IsNullOrEmpty(licenseKey) ? "console" : "newrelic");
        var endpoint = parseResult.GetValue(Endpoint);
        Uri? endpointUri = null;
        if (endpoint is not null && !Uri.TryCreate(endpoint, UriKind.Absolute, out endpointUri))
        {
            error = $"--otlp-endpoint: '{endpoint}' is not an absolute URL such as http://localhost:4318";
            return false;
        }

        switch (kind)
        {
            case "console":
                return true;
            case "newrelic":
                if (string.IsNullOrEmpty(licenseKey))
                {
                    error = $"--exporter newrelic needs the license key in {NewRelicEndpoints.LicenseKeyVariable}";
                    return false;
                }

                OtlpExporterOptions options;
                try
                {
                    options = NewRelicEndpoints.Options(licenseKey, parseResult.GetValue(Region) ?? "US");
                }
                catch (ArgumentException ex)
                {
                    error = "--newrelic-region: " + ex.Message;
                    return false;
                }

                exporter = new OtlpHttpExporter(endpointUri is null ? options : options with { Endpoint = endpointUri });
                return true;
            case "otlp":
                if (endpointUri is null)
                {
                    error = "--exporter otlp needs --otlp-endpoint, e.g. http://localhost:4318";
                    return false;
                }

                exporter = new OtlpHttpExporter(new OtlpExporterOptions { Endpoint = endpointUri });
                return true;
            default:
                error = $"--exporter: '{kind}' is not one of console, newrelic, otlp";
                return false;
        }
    }
}
