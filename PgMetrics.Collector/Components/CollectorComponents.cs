using PgMetrics.Collector.Exporters.Console;
using PgMetrics.Collector.Exporters.Live;
using PgMetrics.Collector.Receivers.Postgresql;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Receiver;

namespace PgMetrics.Collector.Components;

/// <summary>
/// The components the <c>pgmetrics</c> binary knows: the built-in ones, the console and live exporters, which
/// only a terminal has use for, and a postgresql receiver that reads <c>metadata_files</c> (the metadata.yaml
/// interpreter references PgMetrics.Runtime, so only a host above both can hand the reader to the factory), and
/// one that reads <c>targets_file</c> target lists, which the collector watches, shards and discovers.
/// </summary>
internal static class CollectorComponents
{
    /// <summary>Receiver and exporter factories by type.</summary>
    public static ComponentFactories Factories { get; } = ComponentFactories.Default
        .With(new PostgresqlReceiverFactory(metadataFiles: MetadataFile.ReadAll, targetsFile: ReadTargetsFile))
        .With(new ConsoleExporterFactory())
        .With(new LiveExporterFactory());

    /// <summary>Reads a postgresql receiver's <c>targets_file</c>: target lists run in the collector only, which watches the file.</summary>
    private static (IReadOnlyList<PostgresqlReceiverConfig> Targets, IReadOnlyList<ConfigError> Errors) ReadTargetsFile(
        PostgresqlReceiverFactory factory, PostgresqlReceiverConfig list, Func<string, string?> environment)
    {
        var read = PostgresqlTargetsFile.Read(factory, list, environment);
        return (read.Targets, read.Errors);
    }
}
