using System.CommandLine;
using PgMetrics.Collector.Config;
using PgMetrics.Hosting;

namespace PgMetrics.Collector.Cli;

/// <summary>The <c>--config</c> option, and loading a config with every problem printed.</summary>
internal static class ConfigOption
{
    /// <summary>The option.</summary>
    public static Option<string?> Create() => new("--config", "-c")
    {
        Description = "A YAML config file (receivers, exporters, service), shaped like an OpenTelemetry Collector config.",
    };

    /// <summary>Loads the file; on problems prints each as file:line:column: key: message to stderr and returns null.</summary>
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
