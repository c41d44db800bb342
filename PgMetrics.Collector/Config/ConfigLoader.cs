using PgMetrics.Collector.Components;
using PgMetrics.Collector.Config.Yaml;
using PgMetrics.Collector.Exporters.Console;
using PgMetrics.Hosting;
using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PgMetrics.Collector.Config;

/// <summary>
/// Reads a collector config shaped like an OpenTelemetry Collector config, so a <c>receivers: postgresql:</c>
/// block lifted from an otelcol config works unchanged: each component's block is read by its type's
/// factory, then the whole config is validated. Every problem is reported with file, line, column and
/// key, all at once; secrets are expanded from <c>${env:VAR}</c> and <c>${file:path}</c> and never appear
/// in a message.
/// </summary>
internal static class ConfigLoader
{
    /// <summary>The name a config built from command-line flags goes by in messages.</summary>
    public const string CommandLine = CollectorConfig.CommandLine;

    /// <summary>Loads and validates a config file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="environment">Where <c>${env:}</c> references are looked up; the process environment when null.</param>
    public static ConfigLoadResult Load(string path, Func<string, string?>? environment = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ConfigLoadResult(null, [new ConfigError(path, 0, 0, "(file)", "cannot read the config file: " + ex.Message)]);
        }

        return Parse(text, path, environment);
    }

    /// <summary>Validates config text; <paramref name="file"/> names it in errors.</summary>
    public static ConfigLoadResult Parse(string text, string file, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var errors = new ConfigErrors(file);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            return new ConfigLoadResult(null, [new ConfigError(file, (int)ex.Start.Line, (int)ex.Start.Column, "(yaml)", ex.InnerException?.Message ?? ex.Message)]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add(stream.Documents.Count == 0 ? null : new YamlConfigNode(stream.Documents[0].RootNode), "(root)", "the config must be a mapping with receivers, exporters and service");
            return new ConfigLoadResult(null, errors.Items);
        }

        return ConfigReader.Read(new YamlConfigNode(root), errors, file, CollectorComponents.Factories, environment, [new ConsoleExporterConfig { Name = "console" }], ServiceConfig.Keys);
    }

    /// <summary>Validates a config built in memory (from flags); its errors name keys, as a file's would.</summary>
    public static ConfigLoadResult Validate(CollectorConfig config) => ConfigReader.Validate(config);
}
