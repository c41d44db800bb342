using System.CommandLine;

namespace PgMetrics.Collector.Cli;

/// <summary><c>pgmetrics validate --config</c>: checks a config file without connecting anywhere.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var config = ConfigOption.Create();
        config.Required = true;
        var command = new Command("validate", "Check a config file and name every problem with its line and key; exit 1 when there is one.") { config };
        command.SetAction(parseResult =>
        {
            var loaded = ConfigOption.Load(parseResult.GetValue(config)!);
            if (loaded is null)
            {
                return ExitCodes.ScrapeFailed;
            }

            Console.WriteLine($"{loaded.FilePath}: valid; receivers: {string.Join(", ", loaded.Receivers.Select(r => r.Name))}; exporters: {string.Join(", ", loaded.Exporters.Select(e => e.Name))}");
            return ExitCodes.Success;
        });
        return command;
    }
}
