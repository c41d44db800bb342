using System.CommandLine;
using PgMetrics.Collector.Config;

namespace PgMetrics.Collector.Cli;

/// <summary>The <c>--config</c> option, and loading the file it names with every error printed.</summary>
internal static class ConfigOption
{
    public static Option<string?> Create() => new("--config", "-c")
    {
        Description = "A YAML config file (receivers, exporters, service), shaped like an OpenTelemetry Collector config.",
    };

    /// <summary>Loads the file; on errors prints each as file:line:column: key: message to stderr.</summary>
    public static CollectorConfig? Load(string path)
    {
        var result = ConfigLoader.Load(path);
        foreach (var error in result.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column))
        {
            Console.Error.WriteLine(error.ToString());
        }

        if (!result.IsValid)
        {
            Console.Error.WriteLine($"{result.Errors.Count} problem{(result.Errors.Count == 1 ? string.Empty : "s")} in {path}");
        }

        return result.Config;
    }
}
