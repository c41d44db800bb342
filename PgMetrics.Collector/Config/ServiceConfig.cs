namespace PgMetrics.Collector.Config;

/// <summary>The <c>service:</c> block: which exporters run, logging, health endpoint, shutdown.</summary>
public sealed record ServiceConfig
{
    /// <summary>Exporters in use; empty means every exporter declared.</summary>
    public IReadOnlyList<string> Exporters { get; init; } = [];

    /// <summary><c>console</c> or <c>json</c>.</summary>
    public string LogFormat { get; init; } = "console";

    public string LogLevel { get; init; } = "information";

    /// <summary><c>host:port</c> of /healthz and /readyz; loopback by default; empty turns them off.</summary>
    public string HealthEndpoint { get; init; } = "127.0.0.1:13133";

    /// <summary>How long queued data may take to leave on shutdown.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
