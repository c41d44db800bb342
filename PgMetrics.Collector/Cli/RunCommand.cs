using System.CommandLine;
using PgMetrics.Collector.Config;
using PgMetrics.Collector.Exporters.Live;
using PgMetrics.Collector.Exporters.Live.Output;
using PgMetrics.Collector.Hosting;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Collector.Cli;

/// <summary><c>pgmetrics run</c>: scrape on an interval until Ctrl-C or SIGTERM, from a config file or from flags.</summary>
internal static class RunCommand
{
    /// <summary>The command.</summary>
    public static Command Create()
    {
        var flags = new CommandLineConfig();
        var config = ConfigOption.Create();
        var duration = DurationOption();
        var command = new Command("run", "Scrape on an interval until stopped: the servers and exporters of --config, or of the flags.") { config, duration };
        flags.AddTargetOptions(command);
        flags.AddRunOptions(command);
        command.SetAction(async (parse, _) =>
        {
            CollectorConfig? loaded;
            if (parse.GetValue(config) is { } path)
            {
                loaded = ConfigOption.Load(path);
            }
            else if (flags.Build(parse, out var error) is { } built)
            {
                loaded = ConfigOption.Validate(built);
            }
            else
            {
                Console.Error.WriteLine("error: " + error);
                return ExitCodes.BadUsage;
            }

            return loaded is null ? ExitCodes.InvalidConfig : await RunAsync(loaded, parse.GetValue(duration));
        });
        return command;
    }

    /// <summary>The <c>--duration</c> option of the commands that keep scraping.</summary>
    public static Option<TimeSpan?> DurationOption() => new("--duration")
    {
        Description = "Stop after this long, e.g. 30s (for demos and smoke tests); default: run until stopped.",
        CustomParser = result => DurationParser.TryParse(result.Tokens.Count == 0 ? null : result.Tokens[0].Value, out var value, out var error)
            ? value
            : Fail(result, "--duration: " + error),
    };

    /// <summary>Runs a valid config until a stop signal or the end of <paramref name="runFor"/>; prints each exporter's summary.</summary>
    public static async Task<int> RunAsync(CollectorConfig config, TimeSpan? runFor)
    {
        // A live view that fills the terminal shows the warnings itself; lines on stderr would tear it.
        using var loggerFactory = LoggingSetup.Create(config.Service, LiveExporterFactory.TakesTerminal(config) ? LiveLogSink.Shared : null);
        await using var host = new CollectorHost(config, loggerFactory);
        using var signals = new ShutdownSignals(onReload: config.IsFile ? () => _ = host.ReloadInBackgroundAsync("SIGHUP") : null);

        // Said before starting: once started, a live view may fill the terminal.
        Console.WriteLine(config.IsFile
            ? $"Running {config.FilePath}; press Ctrl-C to stop."
            : $"Scraping every {config.Receivers[0].CollectionInterval.TotalSeconds:0.###} s; press Ctrl-C to stop.");
        try
        {
            await host.StartAsync();
        }
        catch (HealthEndpointUnavailableException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.CannotStart;
        }

        try
        {
            await Task.Delay(runFor ?? Timeout.InfiniteTimeSpan, signals.StopRequested);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var (exporter, summary) in await host.ShutdownAsync(host.Config.Service.ShutdownTimeout))
        {
            Console.WriteLine($"Exporter {exporter}: {summary}.");
        }

        Console.WriteLine("Stopped.");
        return ExitCodes.Success;
    }

    private static TimeSpan? Fail(System.CommandLine.Parsing.ArgumentResult result, string error)
    {
        result.AddError(error);
        return null;
    }
}
