using System.CommandLine;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Exporters.Console;
using PgMetrics.Exporter.Otlp;
using PgMetrics.Exporter.Otlp.Configuration;
using PgMetrics.Exporter.Otlp.NewRelic;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Metrics;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Collector.Cli;

/// <summary>
/// The flags that describe a collector without a config file. They build the same config records a file
/// does, which are validated the same way and run by the same host; a problem is named by its flag.
/// </summary>
internal sealed class CommandLineConfig
{
    private static readonly Dictionary<string, string> FlagsByKey = new(StringComparer.Ordinal)
    {
        ["receivers.postgresql.connection"] = "--connection",
        ["exporters.otlp.endpoint"] = "--otlp-endpoint",
        ["exporters.newrelic.api_key"] = NewRelicEndpoints.LicenseKeyVariable,
    };

    /// <summary>The flags of a command whose <c>--interval</c> defaults to <paramref name="defaultInterval"/> (60 seconds for <c>run</c>).</summary>
    public CommandLineConfig(TimeSpan? defaultInterval = null)
    {
        var interval = defaultInterval ?? TimeSpan.FromSeconds(60);
        Interval = DurationOption.Create("--interval", $"Time between scrapes (collection_interval), e.g. 60s; default {interval.TotalSeconds:0.###}s.", interval);
    }

    public Option<string?> Connection { get; } = new("--connection")
    {
        Description = "Npgsql connection string of the server to scrape, e.g. \"Host=localhost;Username=pgmetrics\". The password may come from PGPASSWORD.",
    };

    public Option<string[]> Databases { get; } = new("--database") { Description = "A database to collect from (repeatable); default: every database that accepts connections.", AllowMultipleArgumentsPerToken = true };

    public Option<string[]> ExcludeDatabases { get; } = new("--exclude-database") { Description = "A database never collected from (repeatable).", AllowMultipleArgumentsPerToken = true };

    /// <summary><c>--feature-gates</c>: OpenTelemetry Collector feature gates, as <c>service.feature_gates</c>.</summary>
    public Option<string[]> FeatureGates { get; } = new("--feature-gates") { Description = "OpenTelemetry Collector feature gates, as otelcol takes them: receiver.postgresql.useOTelSemconv (one resource per server, db.namespace on points).", AllowMultipleArgumentsPerToken = true };

    public Option<TimeSpan> QueryTimeout { get; } = DurationOption.Create("--query-timeout", "statement_timeout of every query (local to its transaction), e.g. 10s.", TimeSpan.FromSeconds(10));

    public Option<TimeSpan> Interval { get; }

    public Option<string?> Exporter { get; } = Choice<string?>("--exporter", "console, newrelic or otlp. Default: newrelic when NEW_RELIC_LICENSE_KEY is set, else console.", null, "console", "newrelic", "otlp");

    public Option<string> Region { get; } = Choice("--newrelic-region", "New Relic data region: US, EU or FedRAMP.", "US", "US", "EU", "FedRAMP");

    public Option<string?> Endpoint { get; } = new("--otlp-endpoint")
    {
        Description = "Base URL of an OTLP/HTTP receiver (for --exporter otlp), or to override New Relic's endpoint; /v1/metrics is appended.",
    };

    public Option<string[]> Headers { get; } = new("--otlp-header") { Description = "A header sent with every request, as name=value (repeatable).", AllowMultipleArgumentsPerToken = true };

    public Option<string> Compression { get; } = Choice("--compression", "gzip, zstd or none.", "gzip", "gzip", "zstd", "none");

    public Option<string?> Temporality { get; } = Choice<string?>("--temporality", "delta or cumulative for monotonic sums. Default: delta for New Relic, cumulative otherwise.", null, "delta", "cumulative");

    public Option<string?> SpoolDirectory { get; } = new("--spool-dir") { Description = "Keep unsent requests in this folder, so an outage or a restart loses nothing (bounded by --max-queue-mb)." };

    public Option<int> MaxQueueMegabytes { get; } = new("--max-queue-mb") { Description = "The most unsent data kept, in MiB; beyond it the oldest is dropped and counted.", DefaultValueFactory = _ => 64 };

    /// <summary>Adds the options that name the server (all commands that scrape).</summary>
    public void AddTargetOptions(Command command)
    {
        foreach (var option in new Option[] { Connection, Databases, ExcludeDatabases, QueryTimeout, FeatureGates })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Adds the options of <c>run</c>: the interval and where metrics go.</summary>
    public void AddRunOptions(Command command)
    {
        foreach (var option in new Option[] { Interval, Exporter, Region, Endpoint, Headers, Compression, Temporality, SpoolDirectory, MaxQueueMegabytes })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The receiver the flags describe, or why they describe none.</summary>
    /// <param name="parse">The command line.</param>
    /// <param name="scheduled">Whether the command has <c>--interval</c> (run); a one-off scrape does not.</param>
    public PostgresqlReceiverConfig? Receiver(ParseResult parse, bool scheduled, out string error)
    {
        error = string.Empty;
        var connection = parse.GetValue(Connection) ?? Environment.GetEnvironmentVariable("PGMETRICS_CONNECTION");
        if (string.IsNullOrWhiteSpace(connection))
        {
            error = "no server given: pass --connection \"Host=...;Username=...\" or set PGMETRICS_CONNECTION";
            return null;
        }

        var (gates, gateError) = PgMetrics.Hosting.FeatureGates.Parse(parse.GetValue(FeatureGates) ?? []);
        if (gateError is not null)
        {
            error = "--feature-gates: " + gateError;
            return null;
        }

        return new PostgresqlReceiverConfig
        {
            Name = "postgresql",
            UseOTelSemconv = gates.Contains(PgMetrics.Hosting.FeatureGates.UseOTelSemconv),
            ConnectionString = connection,
            Databases = parse.GetValue(Databases) ?? [],
            ExcludeDatabases = parse.GetValue(ExcludeDatabases) ?? [],
            QueryTimeout = parse.GetValue(QueryTimeout),
            CollectionInterval = scheduled ? parse.GetValue(Interval) : new PostgresqlReceiverConfig { Name = "postgresql" }.CollectionInterval,
            InitialDelay = TimeSpan.Zero,
        };
    }

    /// <summary>The whole config of <c>run</c> without a file: the receiver, the console, and the exporter the flags choose.</summary>
    public CollectorConfig? Build(ParseResult parse, out string error)
    {
        if (Receiver(parse, scheduled: true, out error) is not { } receiver
            || !TryParseHeaders(parse.GetValue(Headers) ?? [], out var headers, out error)
            || !TryParseEndpoint(parse.GetValue(Endpoint), out var endpoint, out error))
        {
            return null;
        }

        var licenseKey = Environment.GetEnvironmentVariable(NewRelicEndpoints.LicenseKeyVariable);
        var kind = parse.GetValue(Exporter) ?? (string.IsNullOrEmpty(licenseKey) ? "console" : "newrelic");
        var settings = new OtlpExportSettings
        {
            Compression = parse.GetValue(Compression) switch { "zstd" => OtlpCompression.Zstd, "none" => OtlpCompression.None, _ => OtlpCompression.Gzip },
            Temporality = parse.GetValue(Temporality) switch { "delta" => AggregationTemporality.Delta, "cumulative" => AggregationTemporality.Cumulative, _ => null },
            SpoolDirectory = parse.GetValue(SpoolDirectory),
            MaxQueueMegabytes = Math.Max(1, parse.GetValue(MaxQueueMegabytes)),
        };
        List<ExporterConfig> exporters = [new ConsoleExporterConfig { Name = "console" }];
        if (kind == "newrelic")
        {
            exporters.Add(new NewRelicExporterConfig
            {
                Name = "newrelic",
                Region = Enum.Parse<NewRelicRegion>(parse.GetValue(Region) ?? "US"),
                Endpoint = endpoint,
                ApiKey = string.IsNullOrEmpty(licenseKey) ? null : licenseKey,
                Settings = settings,
            });
        }
        else if (kind == "otlp")
        {
            exporters.Add(new OtlpExporterConfig { Name = "otlp", Endpoint = endpoint, Headers = headers, Settings = settings });
        }

        return new CollectorConfig(ConfigLoader.CommandLine, [receiver], exporters, new ServiceConfig { HealthEndpoint = string.Empty });
    }

    /// <summary>A config problem as the flag that causes it, for people who wrote flags rather than a file.</summary>
    public static string Describe(ConfigError error)
        => (FlagsByKey.TryGetValue(error.Key, out var flag) ? flag : error.Key) + ": " + error.Message;

    private static Option<T> Choice<T>(string name, string description, T defaultValue, params string[] choices)
    {
        var option = new Option<T>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(choices);
        return option;
    }

    private static bool TryParseEndpoint(string? text, out Uri? endpoint, out string error)
    {
        endpoint = null;
        error = string.Empty;
        if (text is null)
        {
            return true;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out endpoint) && endpoint.Scheme is "http" or "https")
        {
            return true;
        }

        error = $"--otlp-endpoint: '{text}' is not an http(s) URL such as http://localhost:4318";
        return false;
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
