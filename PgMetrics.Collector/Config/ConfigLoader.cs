using System.Globalization;
using System.Text.RegularExpressions;
using PgMetrics.Runtime.Metadata;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PgMetrics.Collector.Config;

/// <summary>
/// Reads a collector config file shaped like an OpenTelemetry Collector config, so a
/// <c>receivers: postgresql:</c> block lifted from an otelcol config works unchanged. Every problem
/// is reported with file, line, column and key, all at once; secrets are expanded from
/// <c>${env:VAR}</c> and <c>${file:path}</c> and never appear in a message.
/// </summary>
public sealed partial class ConfigLoader
{
    private static readonly string[] TopLevelKeys = ["receivers", "exporters", "service"];
    private static readonly string[] ReceiverKeys = ["endpoint", "transport", "username", "password", "databases", "exclude_databases", "tls", "collection_interval", "initial_delay", "timeout", "metrics", "resource_attributes", "query_monitoring", "max_relations_per_database", "max_concurrent_databases"];
    private static readonly string[] QueryMonitoringKeys = ["enabled", "top_n", "long_running_threshold"];
    private static readonly string[] TlsKeys = ["insecure", "insecure_skip_verify", "ca_file", "cert_file", "key_file"];
    private static readonly string[] NewRelicKeys = ["region", "endpoint", "api_key", "compression", "temporality", "spool_directory", "max_queue_mb", "cardinality"];
    private static readonly string[] OtlpKeys = ["endpoint", "headers", "compression", "temporality", "spool_directory", "max_queue_mb", "cardinality"];
    private static readonly string[] CardinalityKeys = ["max_series_per_metric", "max_series_total"];
    private static readonly string[] ServiceKeys = ["exporters", "shutdown_timeout", "telemetry"];
    private static readonly string[] TelemetryKeys = ["logs", "health"];
    private static readonly string[] LogsKeys = ["level", "encoding"];
    private static readonly string[] HealthKeys = ["endpoint"];
    private static readonly string[] EnabledKeys = ["enabled"];

    private readonly string _file;
    private readonly Func<string, string?> _environment;
    private readonly List<ConfigError> _errors = [];

    private ConfigLoader(string file, Func<string, string?> environment)
    {
        _file = file;
        _environment = environment;
    }

    /// <summary>Loads and validates a config file.</summary>
    public static ConfigLoadResult Load(string path, Func<string, string?>? environment = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ConfigLoadResult(null, [new ConfigError(path, 0, 0, "(file)", "cannot read the config file: " + ex.Message)]);
        }

        return Parse(text, path, environment);
    }

    /// <summary>Validates config text; <paramref name="file"/> names it in errors.</summary>
    public static ConfigLoadResult Parse(string text, string file, Func<string, string?>? environment = null)
    {
        var loader = new ConfigLoader(file, environment ?? Environment.GetEnvironmentVariable);
        var config = loader.ParseDocument(text);
        return new ConfigLoadResult(loader._errors.Count == 0 ? config : null, loader._errors);
    }

    private CollectorConfig? ParseDocument(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            _errors.Add(new ConfigError(_file, (int)ex.Start.Line, (int)ex.Start.Column, "(yaml)", ex.InnerException?.Message ?? ex.Message));
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode, "(root)", "the config must be a mapping with receivers, exporters and service");
            return null;
        }

        var top = Entries(root, string.Empty, TopLevelKeys);
        var receivers = ParseReceivers(top);
        var exporters = ParseExporters(top);
        var service = ParseService(top, exporters);
        return new CollectorConfig(_file, receivers, exporters, service);
    }

    private List<ReceiverConfig> ParseReceivers(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> top)
    {
        var receivers = new List<ReceiverConfig>();
        if (!top.TryGetValue("receivers", out var section) || Mapping(section.Value, "receivers") is not { } mapping)
        {
            Error(null, "receivers", "at least one receiver is needed, e.g. receivers: {postgresql: {endpoint: localhost:5432}}");
            return receivers;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            var name = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            var path = "receivers." + name;
            if (name != "postgresql" && !name.StartsWith("postgresql/", StringComparison.Ordinal))
            {
                Error(keyNode, path, "unknown receiver type; PgMetrics has 'postgresql' (or 'postgresql/<name>' for more targets)");
                continue;
            }

            var entries = value is YamlScalarNode { Value: null or "" } ? [] : Entries(Mapping(value, path), path, ReceiverKeys);
            var defaults = new ReceiverConfig { Name = name };
            var transport = Choice(entries, "transport", path, ["tcp", "unix"]) ?? defaults.Transport;
            receivers.Add(new ReceiverConfig
            {
                Name = name,
                Endpoint = Text(entries, "endpoint", path) ?? defaults.Endpoint,
                Transport = transport,
                Username = Text(entries, "username", path),
                Password = Text(entries, "password", path),
                Databases = TextList(entries, "databases", path),
                ExcludeDatabases = TextList(entries, "exclude_databases", path),
                Tls = ParseTls(entries, path),
                CollectionInterval = Duration(entries, "collection_interval", path, positive: true) ?? defaults.CollectionInterval,
                InitialDelay = Duration(entries, "initial_delay", path) ?? defaults.InitialDelay,
                Timeout = Duration(entries, "timeout", path) ?? defaults.Timeout,
                Metrics = Switches(entries, "metrics", path, name => PostgresqlMetricsConfig.MetricNames.Contains(name), "metric"),
                ResourceAttributes = Switches(entries, "resource_attributes", path, name => new PostgresqlResourceAttributesConfig().Find(name) is not null, "resource attribute"),
                QueryMonitoring = ParseQueryMonitoring(entries, path),
                MaxRelationsPerDatabase = Int(entries, "max_relations_per_database", path, minimum: 1) ?? defaults.MaxRelationsPerDatabase,
                MaxConcurrentDatabases = Int(entries, "max_concurrent_databases", path, minimum: 1) ?? defaults.MaxConcurrentDatabases,
            });
            ValidateEndpoint(entries, path, transport);
        }

        if (receivers.Count == 0 && _errors.Count == 0)
        {
            Error(section.Key, "receivers", "at least one receiver is needed");
        }

        return receivers;
    }

    private void ValidateEndpoint(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string path, string transport)
    {
        if (!entries.TryGetValue("endpoint", out var endpoint) || endpoint.Value is not YamlScalarNode { Value: { } text })
        {
            return;
        }

        var separator = text.LastIndexOf(':');
        if (separator <= 0 || !int.TryParse(text.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            Error(endpoint.Value, path + ".endpoint", transport == "unix"
                ? $"'{Shown(endpoint.Value, text)}' is not socket-directory:port, e.g. /var/run/postgresql:5432"
                : $"'{Shown(endpoint.Value, text)}' is not host:port, e.g. localhost:5432");
        }
    }

    private Runtime.Queries.QueryMonitoringOptions ParseQueryMonitoring(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> receiver, string receiverPath)
    {
        var path = receiverPath + ".query_monitoring";
        var defaults = new Runtime.Queries.QueryMonitoringOptions();
        if (!receiver.TryGetValue("query_monitoring", out var node))
        {
            return defaults;
        }

        var entries = Entries(Mapping(node.Value, path), path, QueryMonitoringKeys);
        return new Runtime.Queries.QueryMonitoringOptions
        {
            Enabled = Bool(entries, "enabled", path) ?? false,
            TopN = Int(entries, "top_n", path, minimum: 1) ?? defaults.TopN,
            LongRunningThreshold = Duration(entries, "long_running_threshold", path, positive: true) ?? defaults.LongRunningThreshold,
        };
    }

    private TlsConfig ParseTls(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> receiver, string receiverPath)
    {
        var path = receiverPath + ".tls";
        if (!receiver.TryGetValue("tls", out var node))
        {
            return new TlsConfig();
        }

        var entries = Entries(Mapping(node.Value, path), path, TlsKeys);
        return new TlsConfig
        {
            Insecure = Bool(entries, "insecure", path) ?? false,
            InsecureSkipVerify = Bool(entries, "insecure_skip_verify", path) ?? false,
            CaFile = ExistingFile(entries, "ca_file", path),
            CertFile = ExistingFile(entries, "cert_file", path),
            KeyFile = ExistingFile(entries, "key_file", path),
        };
    }

    private List<ExporterConfig> ParseExporters(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> top)
    {
        var exporters = new List<ExporterConfig>();
        if (!top.TryGetValue("exporters", out var section))
        {
            return [new ExporterConfig { Name = "console", Kind = "console" }];
        }

        if (Mapping(section.Value, "exporters") is not { } mapping)
        {
            return exporters;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            var name = ((YamlScalarNode)keyNode).Value ?? string.Empty;
            var path = "exporters." + name;
            var kind = name.Split('/')[0];
            var empty = value is YamlScalarNode { Value: null or "" };
            switch (kind)
            {
                case "console":
                    if (!empty)
                    {
                        Entries(Mapping(value, path), path, []);
                    }

                    exporters.Add(new ExporterConfig { Name = name, Kind = kind });
                    break;
                case "newrelic" or "otlp":
                    var entries = empty ? [] : Entries(Mapping(value, path), path, kind == "newrelic" ? NewRelicKeys : OtlpKeys);
                    var exporter = new ExporterConfig
                    {
                        Name = name,
                        Kind = kind,
                        Region = Choice(entries, "region", path, ["US", "EU", "FedRAMP"]) ?? "US",
                        Endpoint = Url(entries, "endpoint", path),
                        ApiKey = Text(entries, "api_key", path),
                        Headers = TextMap(entries, "headers", path),
                        Compression = Choice(entries, "compression", path, ["gzip", "zstd", "none"]) ?? "gzip",
                        Temporality = Choice(entries, "temporality", path, ["delta", "cumulative"]),
                        SpoolDirectory = Text(entries, "spool_directory", path),
                        MaxQueueMegabytes = Int(entries, "max_queue_mb", path, minimum: 1) ?? 64,
                        Cardinality = ParseCardinality(entries, path),
                    };
                    if (kind == "otlp" && exporter.Endpoint is null && !entries.ContainsKey("endpoint"))
                    {
                        Error(keyNode, path + ".endpoint", "an otlp exporter needs an endpoint, e.g. http://localhost:4318");
                    }

                    if (kind == "newrelic" && exporter.ApiKey is null && !entries.ContainsKey("api_key") && string.IsNullOrEmpty(_environment("NEW_RELIC_LICENSE_KEY")))
                    {
                        Error(keyNode, path + ".api_key", "no license key: set api_key (e.g. ${env:NEW_RELIC_LICENSE_KEY}) or the NEW_RELIC_LICENSE_KEY environment variable");
                    }

                    exporters.Add(exporter);
                    break;
                default:
                    Error(keyNode, path, "unknown exporter type; PgMetrics has newrelic, otlp and console");
                    break;
            }
        }

        return exporters;
    }

    private Runtime.Cardinality.CardinalityOptions ParseCardinality(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> exporter, string exporterPath)
    {
        var defaults = new Runtime.Cardinality.CardinalityOptions();
        var path = exporterPath + ".cardinality";
        if (!exporter.TryGetValue("cardinality", out var node))
        {
            return defaults;
        }

        var entries = Entries(Mapping(node.Value, path), path, CardinalityKeys);
        return defaults with
        {
            MaxSeriesPerMetric = Int(entries, "max_series_per_metric", path, minimum: 1) ?? defaults.MaxSeriesPerMetric,
            MaxSeriesTotal = Int(entries, "max_series_total", path, minimum: 1) ?? defaults.MaxSeriesTotal,
        };
    }

    private ServiceConfig ParseService(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> top, List<ExporterConfig> exporters)
    {
        var service = new ServiceConfig();
        if (!top.TryGetValue("service", out var section) || Mapping(section.Value, "service") is not { } mapping)
        {
            return service;
        }

        var entries = Entries(mapping, "service", ServiceKeys);
        var used = TextList(entries, "exporters", "service");
        if (entries.TryGetValue("exporters", out var usedNode) && usedNode.Value is YamlSequenceNode sequence)
        {
            foreach (var item in sequence.Children.OfType<YamlScalarNode>().Where(i => !exporters.Any(e => e.Name == i.Value)))
            {
                Error(item, "service.exporters", $"'{item.Value}' is not declared under exporters");
            }
        }

        var logLevel = service.LogLevel;
        var logFormat = service.LogFormat;
        var health = service.HealthEndpoint;
        if (entries.TryGetValue("telemetry", out var telemetryNode) && Mapping(telemetryNode.Value, "service.telemetry") is { } telemetryMapping)
        {
            var telemetry = Entries(telemetryMapping, "service.telemetry", TelemetryKeys);
            if (telemetry.TryGetValue("logs", out var logsNode) && Mapping(logsNode.Value, "service.telemetry.logs") is { } logsMapping)
            {
                var logs = Entries(logsMapping, "service.telemetry.logs", LogsKeys);
                logLevel = Choice(logs, "level", "service.telemetry.logs", ["debug", "info", "warn", "error"]) ?? "info";
                logFormat = Choice(logs, "encoding", "service.telemetry.logs", ["console", "json"]) ?? logFormat;
            }

            if (telemetry.TryGetValue("health", out var healthNode) && Mapping(healthNode.Value, "service.telemetry.health") is { } healthMapping)
            {
                var healthEntries = Entries(healthMapping, "service.telemetry.health", HealthKeys);
                health = Text(healthEntries, "endpoint", "service.telemetry.health") ?? health;
            }
        }

        return new ServiceConfig
        {
            Exporters = used,
            LogLevel = logLevel,
            LogFormat = logFormat,
            HealthEndpoint = health,
            ShutdownTimeout = Duration(entries, "shutdown_timeout", "service") ?? service.ShutdownTimeout,
        };
    }

    private Dictionary<string, bool> Switches(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string parent, Func<string, bool> exists, string what)
    {
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        var path = parent + "." + key;
        if (!entries.TryGetValue(key, out var node) || Mapping(node.Value, path) is not { } mapping)
        {
            return result;
        }

        foreach (var (nameNode, value) in mapping.Children)
        {
            var name = ((YamlScalarNode)nameNode).Value ?? string.Empty;
            if (!exists(name))
            {
                Error(nameNode, path + "." + name, $"unknown {what}; see docs/metrics.md for the names");
                continue;
            }

            var settings = Entries(Mapping(value, path + "." + name), path + "." + name, EnabledKeys);
            if (Bool(settings, "enabled", path + "." + name) is { } enabled)
            {
                result[name] = enabled;
            }
        }

        return result;
    }

    /// <summary>The entries of a mapping by key, reporting unknown and repeated keys.</summary>
    private Dictionary<string, (YamlScalarNode Key, YamlNode Value)> Entries(YamlMappingNode? mapping, string path, string[] allowed)
    {
        var result = new Dictionary<string, (YamlScalarNode, YamlNode)>(StringComparer.Ordinal);
        if (mapping is null)
        {
            return result;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var keyPath = path.Length == 0 ? key : path + "." + key;
            if (Array.IndexOf(allowed, key) < 0)
            {
                var hint = allowed.Length == 0 ? "this block takes no settings" : "expected one of: " + string.Join(", ", allowed);
                Error(keyNode, keyPath, "unknown key; " + hint);
                continue;
            }

            result[key] = ((YamlScalarNode)keyNode, value);
        }

        return result;
    }

    private YamlMappingNode? Mapping(YamlNode node, string path)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        Error(node, path, "must be a mapping of key: value lines");
        return null;
    }

    private string? Text(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string parent)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Value is not YamlScalarNode scalar)
        {
            Error(entry.Value, parent + "." + key, "must be a text value");
            return null;
        }

        return Expand(scalar, parent + "." + key);
    }

    private string? Expand(YamlScalarNode scalar, string path)
    {
        var text = scalar.Value ?? string.Empty;
        var failed = false;
        var expanded = Reference().Replace(text, match =>
        {
            var source = match.Groups["source"].Success ? match.Groups["source"].Value : "env";
            var name = match.Groups["name"].Value;
            if (source == "env")
            {
                if (_environment(name) is { } value)
                {
                    return value;
                }

                Error(scalar, path, $"environment variable {name} is not set");
            }
            else
            {
                try
                {
                    return File.ReadAllText(name).TrimEnd('\r', '\n');
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    Error(scalar, path, $"cannot read {name}: {ex.Message}");
                }
            }

            failed = true;
            return string.Empty;
        });

        return failed ? null : expanded;
    }

    private string? Choice(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string parent, string[] choices)
    {
        var text = Text(entries, key, parent);
        if (text is null)
        {
            return null;
        }

        var match = choices.FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            Error(entries[key].Value, parent + "." + key, $"'{Shown(entries[key].Value, text)}' is not one of {string.Join(", ", choices)}");
        }

        return match;
    }

    private bool? Bool(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string parent)
    {
        var text = Text(entries, key, parent);
        if (text is null)
        {
            return null;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Error(entries[key].Value, parent + "." + key, $"'{Shown(entries[key].Value, text)}' is not true or false");
        return null;
    }

    private int? Int(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string parent, int minimum)
    {
        var text = Text(entries, key, parent);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum)
        {
            return value;
        }

        Error(entries[key].Value, parent + "." + key, $"'{Shown(entries[key].Value, text)}' is not a whole number of at least {minimum}");
        return null;
    }

    private TimeSpan? Duration(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string parent, bool positive = false)
    {
        var text = Text(entries, key, parent);
        if (text is null)
        {
            return null;
        }

        if (!DurationParser.TryParse(text, out var duration, out _))
        {
            Error(entries[key].Value, parent + "." + key, $"'{Shown(entries[key].Value, text)}' is not a duration; write e.g. 10s, 500ms or 1m30s (units: h, m, s, ms, us)");
            return null;
        }

        if (positive && duration <= TimeSpan.Zero)
        {
            Error(entries[key].Value, parent + "." + key, "must be greater than zero");
            return null;
        }

        return duration;
    }

    private string? Url(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string parent)
    {
        var text = Text(entries, key, parent);
        if (text is not null && !(Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            Error(entries[key].Value, parent + "." + key, $"'{Shown(entries[key].Value, text)}' is not an http(s) URL such as https://otlp.nr-data.net");
            return null;
        }

        return text;
    }

    private string? ExistingFile(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string parent)
    {
        var path = Text(entries, key, parent);
        if (path is not null && !File.Exists(path))
        {
            Error(entries[key].Value, parent + "." + key, $"file '{Shown(entries[key].Value, path)}' does not exist");
        }

        return path;
    }

    private List<string> TextList(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string parent)
    {
        var result = new List<string>();
        if (!entries.TryGetValue(key, out var entry))
        {
            return result;
        }

        if (entry.Value is not YamlSequenceNode sequence)
        {
            Error(entry.Value, parent + "." + key, "must be a list, e.g. [a, b]");
            return result;
        }

        foreach (var item in sequence.Children)
        {
            if (item is YamlScalarNode scalar && Expand(scalar, parent + "." + key) is { } value)
            {
                result.Add(value);
            }
            else if (item is not YamlScalarNode)
            {
                Error(item, parent + "." + key, "list items must be text values");
            }
        }

        return result;
    }

    private Dictionary<string, string> TextMap(Dictionary<string, (YamlScalarNode Key, YamlNode Value)> entries, string key, string parent)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!entries.TryGetValue(key, out var entry) || Mapping(entry.Value, parent + "." + key) is not { } mapping)
        {
            return result;
        }

        foreach (var (nameNode, value) in mapping.Children)
        {
            var name = ((YamlScalarNode)nameNode).Value ?? string.Empty;
            if (value is YamlScalarNode scalar && Expand(scalar, parent + "." + key + "." + name) is { } text)
            {
                result[name] = text;
            }
            else if (value is not YamlScalarNode)
            {
                Error(value, parent + "." + key + "." + name, "must be a text value");
            }
        }

        return result;
    }

    /// <summary>How a value is shown in a message: as written when it came from ${...}, so an expanded secret never is.</summary>
    private static string Shown(YamlNode node, string value)
        => node is YamlScalarNode { Value: { } raw } && raw.Contains("${", StringComparison.Ordinal) ? raw : value;

    private void Error(YamlNode? node, string key, string message)
        => _errors.Add(new ConfigError(_file, node is null ? 1 : (int)node.Start.Line, node is null ? 1 : (int)node.Start.Column, key, message));

    [GeneratedRegex(@"\$\{(?:(?<source>env|file):)?(?<name>[^}]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}
