using System.CommandLine;
using PgMetrics.Collector.Cli;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Exporters.Live;
using PgMetrics.Exporter.Otlp.NewRelic;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Processing;
using PgMetrics.Runtime.Receiver;
using Spectre.Console.Testing;

namespace PgMetrics.Collector.Tests;

/// <summary>A <c>live</c> block reads like any exporter's, and <c>top</c> turns a config into the live view's.</summary>
public sealed class LiveExporterConfigTests
{
    private const string File = "pgmetrics.yaml";

    private static ConfigLoadResult Parse(string yaml) => ConfigLoader.Parse(yaml, File, _ => "key-from-env");

    [Fact]
    public void A_live_block_is_read_with_its_keys_and_gets_a_delta_processor_of_its_own()
    {
        var result = Parse("""
            receivers:
              postgresql: {endpoint: localhost:5432}
            exporters:
              live: {top_queries: 5, display: lines}
              live/wall: {}
            """);

        Assert.Empty(result.Errors);
        var live = (LiveExporterConfig)result.Config!.Exporters[0];
        Assert.Equal((5, LiveDisplayMode.Lines), (live.TopQueries, live.Display));
        var wall = (LiveExporterConfig)result.Config.Exporters[1];
        Assert.Equal((10, LiveDisplayMode.Auto), (wall.TopQueries, wall.Display));
        var (exporter, processors) = LiveExporterFactory.Create(live, new TestConsole(), new());
        Assert.IsType<DeltaTemporalityProcessor>(Assert.Single(processors));
        Assert.Equal(LiveDisplayMode.Lines, ((LiveExporter)exporter).Display);
    }

    [Fact]
    public void Auto_display_fills_a_terminal_and_writes_lines_elsewhere()
    {
        // The test host's output is redirected, as in CI or a pipe.
        Assert.Equal(LiveDisplayMode.Lines, LiveExporterFactory.Resolve(LiveDisplayMode.Auto, new TestConsole()));
        Assert.Equal(LiveDisplayMode.Screen, LiveExporterFactory.Resolve(LiveDisplayMode.Screen, new TestConsole()));
    }

    public static TheoryData<string, int, int, string, string> Mistakes => new()
    {
        { "exporters:\n  live:\n    refresh: 1s\n", 3, 5, "exporters.live.refresh", "unknown key" },
        { "exporters:\n  live:\n    top_queries: 0\n", 3, 18, "exporters.live.top_queries", "at least 1" },
        { "exporters:\n  live:\n    display: fancy\n", 3, 14, "exporters.live.display", "'fancy' is not one of auto, screen, lines" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_is_named_with_file_line_column_and_key(string yaml, int line, int column, string key, string message)
    {
        var result = Parse("receivers:\n  postgresql: {}\n" + yaml);

        Assert.Null(result.Config);
        var error = Assert.Single(result.Errors, e => e.Key == key);
        Assert.Equal((File, line + 2, column), (error.File, error.Line, error.Column));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Top_puts_the_live_view_first_in_place_of_console_tables_and_keeps_the_other_exporters()
    {
        var file = Parse("""
            receivers:
              postgresql:
                endpoint: localhost:5432
                metrics:
                  postgresql.deadlocks: {enabled: false}
            exporters:
              console: {}
              newrelic: {api_key: "${env:NEW_RELIC_LICENSE_KEY}"}
            service:
              exporters: [console, newrelic]
            """).Config!;

        var top = TopConfig.From(file, monitorQueries: false);

        Assert.Equal(["live", "newrelic"], top.ExportersInUse.Select(e => e.Name));
        Assert.IsType<NewRelicExporterConfig>(top.ExportersInUse[1]);
        var receiver = (PostgresqlReceiverConfig)Assert.Single(top.Receivers);
        Assert.False(receiver.Metrics["postgresql.deadlocks"], "a switch the file sets stays as the file says");
        Assert.All(LiveMetricNames.OffByDefault.Where(m => m != "postgresql.deadlocks"), m => Assert.True(receiver.Metrics[m], m));
        Assert.False(receiver.QueryMonitoring.Enabled, "a file decides on query monitoring itself");
        Assert.Empty(ConfigLoader.Validate(top).Errors);
    }

    [Fact]
    public void Top_from_flags_scrapes_every_five_seconds_with_query_monitoring_and_the_live_view()
    {
        var flags = new CommandLineConfig(TopCommand.DefaultInterval);
        var command = new Command("top");
        flags.AddTargetOptions(command);
        flags.AddRunOptions(command);
        var parse = command.Parse(["--connection", "Host=db;Username=pgmetrics", "--exporter", "console"]);
        Assert.Empty(parse.Errors);

        var top = TopConfig.From(flags.Build(parse, out _)!, monitorQueries: true);

        var receiver = (PostgresqlReceiverConfig)Assert.Single(top.Receivers);
        Assert.Equal(TimeSpan.FromSeconds(5), receiver.CollectionInterval);
        Assert.True(receiver.QueryMonitoring.Enabled);
        Assert.IsType<LiveExporterConfig>(Assert.Single(top.ExportersInUse));
        Assert.Empty(ConfigLoader.Validate(top).Errors);
    }
}
