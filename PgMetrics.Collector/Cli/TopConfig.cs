using PgMetrics.Collector.Exporters.Console;
using PgMetrics.Collector.Exporters.Live;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Collector.Cli;

/// <summary>
/// What <c>pgmetrics top</c> makes of a config (a file's, or the one the flags describe): the live view in
/// place of console tables, first among the exporters so Ctrl-C gives the terminal back before the others
/// drain; the other exporters keep running. The catalogue's switches the view reads are turned on where the
/// config does not say otherwise.
/// </summary>
internal static class TopConfig
{
    /// <summary>The config <c>top</c> runs.</summary>
    /// <param name="config">A valid config.</param>
    /// <param name="monitorQueries">Turn on query monitoring (top statements, waits, blocked sessions); done for flags, a file decides for itself.</param>
    public static CollectorConfig From(CollectorConfig config, bool monitorQueries)
    {
        var others = config.Exporters.Where(e => e is not ConsoleExporterConfig and not LiveExporterConfig).ToList();
        var live = config.Exporters.OfType<LiveExporterConfig>().FirstOrDefault(e => config.ExportersInUse.Contains(e))
            ?? config.Exporters.OfType<LiveExporterConfig>().FirstOrDefault()
            ?? new LiveExporterConfig { Name = "live" };
        List<ExporterConfig> exporters = [live, .. others];
        List<string> inUse = config.Service.Exporters.Count == 0
            ? []
            : [live.Name, .. config.Service.Exporters.Where(name => others.Any(e => e.Name == name))];
        return config with
        {
            Receivers = [.. config.Receivers.Select(r => r is PostgresqlReceiverConfig postgresql ? ForView(postgresql, monitorQueries) : r)],
            Exporters = exporters,
            Service = config.Service with { Exporters = inUse },
        };
    }

    /// <summary><paramref name="receiver"/> with the metrics the view reads switched on, unless it switches them off itself.</summary>
    public static PostgresqlReceiverConfig ForView(PostgresqlReceiverConfig receiver, bool monitorQueries)
    {
        var metrics = new Dictionary<string, bool>(receiver.Metrics, StringComparer.Ordinal);
        foreach (var name in LiveMetricNames.OffByDefault)
        {
            metrics.TryAdd(name, true);
        }

        return receiver with
        {
            Metrics = metrics,
            QueryMonitoring = monitorQueries
                ? receiver.QueryMonitoring with
                {
                    QuerySample = receiver.QueryMonitoring.QuerySample with { Enabled = true },
                    TopQuery = receiver.QueryMonitoring.TopQuery with { Enabled = true },
                }
                : receiver.QueryMonitoring,
        };
    }
}
