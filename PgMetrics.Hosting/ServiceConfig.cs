using Microsoft.Extensions.Logging;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Targets;

namespace PgMetrics.Hosting;

/// <summary>
/// The <c>service:</c> block: which exporters run and how long queued data may take to leave at shutdown;
/// the collector's own logging and health endpoint too (an app uses its own logging and health checks).
/// </summary>
public sealed record ServiceConfig
{
    /// <summary>The keys the block takes.</summary>
    internal static readonly string[] Keys = ["exporters", "shutdown_timeout", "telemetry", "feature_gates", "sharding", "max_concurrent_scrapes", "memory_limiter"];

    /// <summary>
    /// The keys the block takes in an app, which logs through its own logging, reports health through its own
    /// health checks, manages its own process's memory and configures the servers it monitors itself (no
    /// sharding of target lists).
    /// </summary>
    internal static readonly string[] AppKeys = ["exporters", "shutdown_timeout", "feature_gates", "max_concurrent_scrapes"];

    private static readonly string[] TelemetryKeys = ["logs", "health"];
    private static readonly string[] LogsKeys = ["level", "encoding"];
    private static readonly string[] HealthKeys = ["endpoint"];

    /// <summary>The log levels a config may name, as the OpenTelemetry Collector's <c>service.telemetry.logs.level</c>.</summary>
    internal static readonly (string Name, LogLevel Level)[] LogLevels = [("debug", LogLevel.Debug), ("info", LogLevel.Information), ("warn", LogLevel.Warning), ("error", LogLevel.Error)];

    private static readonly (string, LogFormat)[] LogFormats = [("console", LogFormat.Console), ("json", LogFormat.Json)];

    /// <summary>Exporters in use; empty means every exporter declared.</summary>
    public IReadOnlyList<string> Exporters { get; init; } = [];

    /// <summary>Text lines (<c>console</c>, the default) or JSON lines.</summary>
    internal LogFormat LogFormat { get; init; } = LogFormat.Console;

    /// <summary>The least severe level logged: <c>debug</c>, <c>info</c> (the default), <c>warn</c> or <c>error</c>.</summary>
    internal LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary><c>host:port</c> of /healthz and /readyz; loopback by default; empty turns them off.</summary>
    internal string HealthEndpoint { get; init; } = "127.0.0.1:13133";

    /// <summary>
    /// Whether the config names <c>telemetry.health.endpoint</c>: a named endpoint that cannot listen stops the
    /// collector from starting, while the default one is then left off with a warning (a second collector on the host).
    /// </summary>
    public bool HealthEndpointConfigured { get; init; }

    /// <summary>
    /// OpenTelemetry Collector feature gates turned on (<c>feature_gates</c>, as the collector's <c>--feature-gates</c>):
    /// <c>receiver.postgresql.useOTelSemconv</c> (and <c>receiver.postgresql.separateSchemaAttr</c>, which changes nothing).
    /// </summary>
    public IReadOnlySet<string> FeatureGates { get; init; } = new HashSet<string>();

    /// <summary>How long queued data may take to leave on shutdown. Default 5 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Which share of the targets this replica scrapes (<c>sharding: {index, count}</c>); by default all of them.</summary>
    internal ShardingConfig Sharding { get; init; } = ShardingConfig.None;

    /// <summary>
    /// How many scrapes run at once across every target (<c>max_concurrent_scrapes</c>); others wait for a
    /// slot, and their timeout starts when they get one. Default 16.
    /// </summary>
    public int MaxConcurrentScrapes { get; init; } = 16;

    /// <summary>The collector's memory limiter (<c>memory_limiter</c>); off by default.</summary>
    internal MemoryLimiterConfig MemoryLimiter { get; init; } = MemoryLimiterConfig.Off;

    /// <summary>Reads the block; absent keys keep their defaults.</summary>
    internal static ServiceConfig Read(ConfigSection service)
    {
        var defaults = new ServiceConfig();
        var telemetry = service.Section("telemetry", TelemetryKeys);
        var logs = telemetry.Section("logs", LogsKeys);
        var health = telemetry.Section("health", HealthKeys);
        var (gates, gateError) = global::PgMetrics.Hosting.FeatureGates.Parse(service.TextList("feature_gates"));
        if (gateError is not null)
        {
            service.Errors.Add(service.Child("feature_gates"), gateError);
        }

        return new ServiceConfig
        {
            FeatureGates = gates,
            Exporters = service.TextList("exporters"),
            ShutdownTimeout = service.Duration("shutdown_timeout") ?? defaults.ShutdownTimeout,
            LogLevel = logs.Choice("level", LogLevels) ?? defaults.LogLevel,
            LogFormat = logs.Choice("encoding", LogFormats) ?? defaults.LogFormat,
            HealthEndpoint = health.Text("endpoint") ?? defaults.HealthEndpoint,
            HealthEndpointConfigured = health.Text("endpoint") is not null,
            Sharding = ShardingConfig.Read(service.Section("sharding", ShardingConfig.Keys)),
            MaxConcurrentScrapes = service.Int("max_concurrent_scrapes", minimum: 1) ?? defaults.MaxConcurrentScrapes,
            MemoryLimiter = MemoryLimiterConfig.Read(service.Section("memory_limiter", MemoryLimiterConfig.Keys)),
        };
    }
}
