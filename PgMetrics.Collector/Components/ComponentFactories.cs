using PgMetrics.Collector.Exporters.Console;
using PgMetrics.Collector.Exporters.Live;
using PgMetrics.Collector.Exporters.NewRelic;
using PgMetrics.Collector.Exporters.Otlp;
using PgMetrics.Collector.Receivers.Pgbouncer;
using PgMetrics.Collector.Receivers.Postgresql;

namespace PgMetrics.Collector.Components;

/// <summary>
/// The components the collector knows, by type name. Adding a receiver or an exporter means its folder
/// (config record, factory) and one line here.
/// </summary>
internal static class ComponentFactories
{
    /// <summary>Receiver factories by type.</summary>
    public static IReadOnlyDictionary<string, IReceiverFactory> Receivers { get; } = ByType<IReceiverFactory>(
    [
        new PostgresqlReceiverFactory(),
        new PgbouncerReceiverFactory(),
    ], f => f.Type);

    /// <summary>Exporter factories by type.</summary>
    public static IReadOnlyDictionary<string, IExporterFactory> Exporters { get; } = ByType<IExporterFactory>(
    [
        new NewRelicExporterFactory(),
        new OtlpExporterFactory(),
        new ConsoleExporterFactory(),
        new LiveExporterFactory(),
    ], f => f.Type);

    /// <summary>The type of a config name: <c>postgresql/replica</c> → <c>postgresql</c>.</summary>
    public static string TypeOf(string name) => name.Split('/')[0];

    private static Dictionary<string, T> ByType<T>(IEnumerable<T> factories, Func<T, string> type)
        => factories.ToDictionary(type, StringComparer.Ordinal);
}
