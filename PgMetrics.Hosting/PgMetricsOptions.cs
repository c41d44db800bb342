using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Hosting;

/// <summary>
/// What <c>AddPgMetrics</c> runs: the receivers, the exporters and the service settings, as the collector's
/// <c>receivers</c>, <c>exporters</c> and <c>service</c> sections. Filled from .NET configuration by
/// <c>AddPgMetrics(IConfiguration)</c>, or in code by <c>AddPgMetrics(options => …)</c>; checked when the host
/// starts, with the collector's messages, and the host does not start while anything is wrong.
/// </summary>
public sealed class PgMetricsOptions
{
    /// <summary>
    /// The receivers, e.g. <c>new PostgresqlReceiverConfig { Name = "postgresql", Endpoint = "db:5432", Username = "pgmetrics" }</c>;
    /// names are unique: the type, or <c>type/name</c> for more of a type (<c>postgresql/replica</c>).
    /// </summary>
    public IList<ReceiverConfig> Receivers { get; } = [];

    /// <summary>
    /// The exporters, e.g. <c>new NewRelicExporterConfig { Name = "newrelic", ApiKey = … }</c> or
    /// <c>new OtlpExporterConfig { Name = "otlp", Endpoint = new Uri("http://localhost:4318") }</c>; at least one.
    /// </summary>
    public IList<ExporterConfig> Exporters { get; } = [];

    /// <summary>Which exporters run (all by default) and how long queued data may take to leave when the host stops (5 seconds by default).</summary>
    public ServiceConfig Service { get; set; } = new();

    /// <summary>Where the options came from, for messages: the configuration section's path, or <c>(code)</c>.</summary>
    internal string Source { get; set; } = Code;

    /// <summary>Problems found while reading the options from configuration (a wrong value, an unknown key); reported with the validation problems.</summary>
    internal List<ConfigError> ReadErrors { get; } = [];

    /// <summary>The source name of options set in code.</summary>
    internal const string Code = "(code)";

    /// <summary>The options as the config the pipeline runs.</summary>
    internal CollectorConfig ToConfig() => new(Source, FeatureGates.Apply(Service.FeatureGates, [.. Receivers]), [.. Exporters], Service);
}
