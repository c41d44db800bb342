using PgMetrics.Collector.Exporters.Console;
using PgMetrics.Hosting;

namespace PgMetrics.Collector.Components;

/// <summary>The components the <c>pgmetrics</c> binary knows: the built-in ones and the console exporter, which only a terminal has use for.</summary>
internal static class CollectorComponents
{
    /// <summary>Receiver and exporter factories by type.</summary>
    public static ComponentFactories Factories { get; } = ComponentFactories.Default.With(new ConsoleExporterFactory());
}
