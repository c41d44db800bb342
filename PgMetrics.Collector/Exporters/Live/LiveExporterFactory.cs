using Microsoft.Extensions.Logging;
using PgMetrics.Collector.Exporters.Live.Output;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Pipeline;
using PgMetrics.Runtime.Processing;
using Spectre.Console;

namespace PgMetrics.Collector.Exporters.Live;

/// <summary>
/// Makes <c>live</c> exporters: the view on standard output, behind a delta processor of its own (rates
/// are deltas over the time between two scrapes). The health line reads the PgMetrics meter itself, so
/// the host's periodic <c>pgmetrics.*</c> report is not sent here.
/// </summary>
internal sealed class LiveExporterFactory : IExporterFactory
{
    private static readonly string[] Keys = ["top_queries", "display"];
    private static readonly (string, LiveDisplayMode)[] Displays = [("auto", LiveDisplayMode.Auto), ("screen", LiveDisplayMode.Screen), ("lines", LiveDisplayMode.Lines)];

    /// <inheritdoc/>
    public string Type => "live";

    /// <inheritdoc/>
    public bool ExportsSelfMetrics => false;

    /// <summary>Whether <paramref name="config"/> runs a live exporter that takes the whole terminal, so logs must not be written to it.</summary>
    public static bool TakesTerminal(CollectorConfig config)
        => config.ExportersInUse.OfType<LiveExporterConfig>().Any(live => Resolve(live.Display, AnsiConsole.Console) == LiveDisplayMode.Screen);

    /// <summary>
    /// <c>auto</c> as it applies to <paramref name="console"/>: the screen when standard output is a terminal
    /// that understands ANSI escape sequences, lines otherwise.
    /// </summary>
    public static LiveDisplayMode Resolve(LiveDisplayMode mode, IAnsiConsole console)
        => mode != LiveDisplayMode.Auto ? mode
            : !System.Console.IsOutputRedirected && console.Profile.Capabilities.Ansi && console.Profile.Capabilities.Interactive ? LiveDisplayMode.Screen
            : LiveDisplayMode.Lines;

    /// <inheritdoc/>
    public ExporterConfig Read(string name, ConfigBlock block)
    {
        var section = block.Read(Keys);
        var defaults = new LiveExporterConfig { Name = name };
        return new LiveExporterConfig
        {
            Name = name,
            TopQueries = section.Int("top_queries", minimum: 1) ?? defaults.TopQueries,
            Display = section.Choice("display", Displays) ?? defaults.Display,
        };
    }

    /// <inheritdoc/>
    public (IExporter Exporter, IReadOnlyList<IMetricsProcessor> Processors) Create(ExporterConfig config, ExporterState state, ILoggerFactory loggerFactory)
        => Create((LiveExporterConfig)config, AnsiConsole.Console, LiveLogSink.Shared);

    /// <summary>The exporter on <paramref name="console"/>, with its delta processor; problems logged meanwhile come from <paramref name="problems"/>.</summary>
    public static (IExporter Exporter, IReadOnlyList<IMetricsProcessor> Processors) Create(LiveExporterConfig config, IAnsiConsole console, LiveLogSink problems)
        => (new LiveExporter(config.Name, config.TopQueries, Resolve(config.Display, console), console, problems), [new DeltaTemporalityProcessor()]);
}
