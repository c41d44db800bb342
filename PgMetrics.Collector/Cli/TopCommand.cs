using System.CommandLine;
using PgMetrics.Collector.Config;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Collector.Cli;

/// <summary>
/// <c>pgmetrics top</c>: <c>run</c> with the live view in place of console tables. The same <c>--config</c>
/// or flags as <c>run</c> (the interval defaults to 5 seconds); other exporters a config or the flags name
/// keep sending.
/// </summary>
internal static class TopCommand
{
    /// <summary>The default time between scrapes: a view that moves.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    /// <summary>The command.</summary>
    public static Command Create()
    {
        var flags = new CommandLineConfig(DefaultInterval);
        var config = ConfigOption.Create();
        var duration = RunCommand.DurationOption();
        var command = new Command(
            "top",
            "Watch the servers in a view that updates every scrape: transactions, cache hits, connections, WAL, replication, top statements, waits and blocked sessions. "
            + "Fills the terminal; without one, prints a summary line per scrape. Takes --config or the flags of run.")
        {
            config, duration,
        };
        flags.AddTargetOptions(command);
        flags.AddRunOptions(command);
        command.SetAction(async (parse, _) =>
        {
            CollectorConfig? loaded;
            if (parse.GetValue(config) is { } path)
            {
                loaded = ConfigOption.Load(path) is { } file ? TopConfig.From(file, monitorQueries: false) : null;
            }
            else if (flags.Build(parse, out var error) is { } built)
            {
                loaded = ConfigOption.Validate(TopConfig.From(built, monitorQueries: true));
            }
            else
            {
                Console.Error.WriteLine("error: " + error);
                return ExitCodes.BadUsage;
            }

            return loaded is null ? ExitCodes.InvalidConfig : await RunCommand.RunAsync(loaded, parse.GetValue(duration));
        });
        return command;
    }
}
