using PgMetrics.Runtime.Queries;
using PgMetrics.Runtime.Receiver;
using PgMetrics.Runtime.Scraping;

namespace PgMetrics.OpenTelemetry;

/// <summary>
/// What <c>AddPgMetricsInstrumentation</c> scrapes: one server by <see cref="ConnectionString"/>, or any number
/// of <see cref="Receivers"/> with the collector's receiver settings, plus the app's own metric sets.
/// </summary>
public sealed class PgMetricsInstrumentationOptions
{
    /// <summary>An Npgsql connection string of a server to scrape (a receiver named <c>postgresql</c>); null to use <see cref="Receivers"/> only. Never shown in messages.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Time between scrapes of <see cref="ConnectionString"/>'s server. Default 60 seconds; the SDK's export interval decides how often values leave.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Query performance monitoring for <see cref="ConnectionString"/>'s server: top queries and wait events
    /// as metrics, long-running query samples as log records through the app's <c>ILogger</c> (category
    /// <c>pgmetrics.query_events</c>), which the OpenTelemetry logging bridge exports. Off by default.
    /// </summary>
    public QueryMonitoringOptions QueryMonitoring { get; set; } = new();

    /// <summary>More servers, each with the collector's receiver settings (endpoint, TLS, databases, schedule, metric switches); names unique.</summary>
    public IList<PostgresqlReceiverConfig> Receivers { get; } = [];

    internal List<Func<MetricSet>> MetricSets { get; } = [];

    /// <summary>Scrapes the app's own metric set (generated from its <c>metadata.yaml</c>, e.g. <c>ShopMetricSet</c>) from every server beside the built-in catalogue.</summary>
    /// <typeparam name="TMetricSet">The generated <c>&lt;Type&gt;MetricSet</c>.</typeparam>
    /// <param name="configure">Changes each new set before use, e.g. to turn a metric off.</param>
    /// <returns>These options.</returns>
    public PgMetricsInstrumentationOptions AddMetricSet<TMetricSet>(Action<TMetricSet>? configure = null)
        where TMetricSet : MetricSet, new()
    {
        MetricSets.Add(() =>
        {
            var set = new TMetricSet();
            configure?.Invoke(set);
            return set;
        });
        return this;
    }

    /// <summary>Every receiver to run: the one of <see cref="ConnectionString"/> first, then <see cref="Receivers"/>.</summary>
    internal IReadOnlyList<PostgresqlReceiverConfig> AllReceivers()
        => ConnectionString is null
            ? [.. Receivers]
            : [new PostgresqlReceiverConfig { Name = "postgresql", ConnectionString = ConnectionString, CollectionInterval = CollectionInterval, QueryMonitoring = QueryMonitoring }, .. Receivers];
}
