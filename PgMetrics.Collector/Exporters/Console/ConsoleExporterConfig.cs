using PgMetrics.Runtime.Components;

namespace PgMetrics.Collector.Exporters.Console;

/// <summary>A <c>console[/name]</c> block; it takes no settings.</summary>
internal sealed record ConsoleExporterConfig : ExporterConfig;
