using PgMetrics.Exporter.Otlp.Configuration;
using PgMetrics.Exporter.Otlp.NewRelic;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Pgbouncer;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Hosting;

/// <summary>
/// The components a pipeline can be built from, by type name. Adding a receiver or an exporter means its
/// folder (config record, factory) and one line in <see cref="Default"/>; a host adds its own (the
/// collector's console exporter) with <see cref="With(IExporterFactory)"/>.
/// </summary>
internal sealed class ComponentFactories
{
    private ComponentFactories(IEnumerable<IReceiverFactory> receivers, IEnumerable<IExporterFactory> exporters)
    {
        Receivers = receivers.ToDictionary(f => f.Type, StringComparer.Ordinal);
        Exporters = exporters.ToDictionary(f => f.Type, StringComparer.Ordinal);
    }

    /// <summary>The built-in components: the <c>postgresql</c> and <c>pgbouncer</c> receivers, the <c>newrelic</c> and <c>otlp</c> exporters.</summary>
    public static ComponentFactories Default { get; } = new(
        [new PostgresqlReceiverFactory(), new PgbouncerReceiverFactory()],
        [new NewRelicExporterFactory(), new OtlpExporterFactory()]);

    /// <summary>Receiver factories by type.</summary>
    public IReadOnlyDictionary<string, IReceiverFactory> Receivers { get; }

    /// <summary>Exporter factories by type.</summary>
    public IReadOnlyDictionary<string, IExporterFactory> Exporters { get; }

    /// <summary>The type of a config name: <c>postgresql/replica</c> → <c>postgresql</c>.</summary>
    public static string TypeOf(string name) => name.Split('/')[0];

    /// <summary>These components and <paramref name="exporter"/>, which replaces a factory of its type.</summary>
    public ComponentFactories With(IExporterFactory exporter) => new(Receivers.Values, [.. Exporters.Values.Where(f => f.Type != exporter.Type), exporter]);

    /// <summary>These components with <paramref name="receiver"/>, which replaces a factory of its type (e.g. a postgresql factory that adds an app's metric sets).</summary>
    public ComponentFactories With(IReceiverFactory receiver) => new([.. Receivers.Values.Where(f => f.Type != receiver.Type), receiver], Exporters.Values);
}
