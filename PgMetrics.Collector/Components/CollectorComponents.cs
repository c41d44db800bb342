using PgMetrics.Collector.Exporters.Console;
using PgMetrics.Collector.Exporters.Live;
using PgMetrics.Collector.Receivers.Postgresql;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Collector.Components;

/// <summary>
/// The components the <c>pgmetrics</c> binary knows: the built-in ones, the console and live exporters, which
/// only a terminal has use for, and a postgresql receiver that reads <c>metadata_files</c> (the metadata.yaml
/// interpreter references PgMetrics.Runtime, so only a host above both can hand the reader to the factory).
/// </summary>
internal static class CollectorComponents
{
    /// <summary>Receiver and exporter factories by type.</summary>
    public static ComponentFactories Factories { get; } = ComponentFactories.Default
        .With(new PostgresqlReceiverFactory(metadataFiles: MetadataFile.ReadAll))
        .With(new ConsoleExporterFactory())
        .With(new LiveExporterFactory());
}
