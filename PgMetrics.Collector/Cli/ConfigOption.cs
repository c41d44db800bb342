using System.CommandLine;
using PgMetrics.Collector.Config;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Collector.Cli;

/// <summary>The <c>--config</c> option, and loading a config with every problem printed.</summary>
internal static class ConfigOption
{
    /// <summary>The option.</summary>
    public static Option<string?> Create() => new("--config", "-c")
    {
        Description = "A YAML config file (receivers, exporters, service), shaped like an OpenTelemetry Collector config.",
    };

    /// <summary>
    /// Loads the file; on problems prints each to stderr and returns null: the config's own as
    /// file:line:column: key: message, a metadata file's as the compiler prints them (file(line,column): error PGMnnn: message).
    /// </summary>
    public static CollectorConfig? Load(string path) => Report(ConfigLoader.Load(path), path);

    /// <summary>Validates a config built from flags; on problems prints each by its flag to stderr and returns null.</summary>
    public static CollectorConfig? Validate(CollectorConfig config)
    {
        var result = ConfigLoader.Validate(config);
        foreach (var error in result.Errors)
        {
            Console.Error.WriteLine("error: " + CommandLineConfig.Describe(error));
        }

        return result.Config;
    }

    private static CollectorConfig? Report(ConfigLoadResult result, string path)
    {
        // The config file's problems first, then each metadata file's, each in file order.
        foreach (var error in result.Errors.OrderBy(e => e.File != path).ThenBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.Line).ThenBy(e => e.Column))
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
