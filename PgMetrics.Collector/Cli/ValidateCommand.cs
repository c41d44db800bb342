using System.CommandLine;

namespace PgMetrics.Collector.Cli;

/// <summary><c>pgmetrics validate --config</c>: checks a config file without connecting anywhere.</summary>
internal static class ValidateCommand
{
    /// <summary>The command.</summary>
    public static Command Create()
    {
        var config = ConfigOption.Create();
        config.Required = true;
        var command = new Command("validate", $"Check a config file and name every problem with its line and key; exit {ExitCodes.InvalidConfig} when there is one.") { config };
        command.SetAction(parse =>
        {
            if (ConfigOption.Load(parse.GetValue(config)!) is not { } loaded)
            {
                return ExitCodes.InvalidConfig;
            }

            Console.WriteLine($"{loaded.FilePath}: valid; receivers: {string.Join(", ", loaded.Receivers.Select(r => r.Name))}; exporters: {string.Join(", ", loaded.ExportersInUse.Select(e => e.Name))}");
            return ExitCodes.Success;
        });
        return command;
    }
}
