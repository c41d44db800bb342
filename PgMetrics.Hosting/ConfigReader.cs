using PgMetrics.Runtime.Components;
using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Hosting;

/// <summary>
/// Reads a whole config from its root, whatever the source (a YAML file, .NET configuration): the
/// <c>receivers</c> and <c>exporters</c>, each block by its type's factory, and <c>service</c>; then
/// validates it. One reader for every source, so keys, meanings and messages are the same everywhere.
/// </summary>
internal static class ConfigReader
{
    private static readonly string[] TopLevelKeys = ["receivers", "exporters", "service"];

    /// <summary>Reads and validates the config at <paramref name="root"/>.</summary>
    /// <param name="root">The config's root mapping.</param>
    /// <param name="errors">Where problems go; named after the source.</param>
    /// <param name="source">Where the config came from, e.g. the file; becomes <see cref="CollectorConfig.FilePath"/>.</param>
    /// <param name="factories">The components the config may name.</param>
    /// <param name="environment">Where <c>${env:}</c> references are looked up.</param>
    /// <param name="defaultExporters">The exporters when <c>exporters</c> is absent; null when one must be given.</param>
    /// <param name="serviceKeys">The keys <c>service</c> takes here (an app has no <c>telemetry</c>: it logs and checks health its own way).</param>
    public static ConfigLoadResult Read(
        ConfigNode root,
        ConfigErrors errors,
        string source,
        ComponentFactories factories,
        Func<string, string?> environment,
        IReadOnlyList<ExporterConfig>? defaultExporters,
        IReadOnlyList<string> serviceKeys)
    {
        var top = new ConfigSection(string.Empty, root, TopLevelKeys, errors, environment);
        var receivers = ReadComponents(top, "receivers", factories.Receivers, (factory, name, block) => factory.Read(name, block), "PgMetrics has 'postgresql' (or 'postgresql/<name>' for more targets)");
        IReadOnlyList<ExporterConfig> exporters = top.Has("exporters") || defaultExporters is null
            ? ReadComponents(top, "exporters", factories.Exporters, (factory, name, block) => factory.Read(name, block), "PgMetrics has " + string.Join(", ", factories.Exporters.Keys))
            : defaultExporters;
        var service = ServiceConfig.Read(top.Section("service", serviceKeys));
        var config = new CollectorConfig(source, FeatureGates.Apply(service.FeatureGates, receivers), exporters, service);
        return Validate(config, errors, requireExporter: defaultExporters is null);
    }

    /// <summary>Validates a config built in memory (from flags, or in code); its errors name keys, as a file's would.</summary>
    /// <param name="config">The config.</param>
    /// <param name="requireExporter">Whether a config without exporters is a mistake (in an app it is; the collector's <c>once</c> needs none).</param>
    public static ConfigLoadResult Validate(CollectorConfig config, bool requireExporter = false) => Validate(config, new ConfigErrors(config.FilePath), requireExporter);

    private static ConfigLoadResult Validate(CollectorConfig config, ConfigErrors errors, bool requireExporter)
    {
        if (config.Receivers.Count == 0 && errors.Count == 0)
        {
            errors.Add("receivers", "at least one receiver is needed, e.g. receivers: {postgresql: {endpoint: localhost:5432}}");
        }

        if (requireExporter && config.Exporters.Count == 0 && errors.Count == 0)
        {
            errors.Add("exporters", "at least one exporter is needed, e.g. exporters: {newrelic: {}} with NEW_RELIC_LICENSE_KEY set, or exporters: {otlp: {endpoint: http://localhost:4318}}");
        }

        config.Validate(errors);
        return new ConfigLoadResult(errors.Count == 0 ? config : null, errors.Items);
    }

    private static List<TConfig> ReadComponents<TFactory, TConfig>(ConfigSection top, string section, IReadOnlyDictionary<string, TFactory> factories, Func<TFactory, string, ConfigBlock, TConfig> read, string known)
    {
        var configs = new List<TConfig>();
        foreach (var (name, keyNode, value) in top.Named(section))
        {
            var path = section + "." + name;
            if (!factories.TryGetValue(ComponentFactories.TypeOf(name), out var factory))
            {
                top.Errors.Add(keyNode, path, $"unknown {section.TrimEnd('s')} type; {known}");
                continue;
            }

            configs.Add(read(factory, name, new ConfigBlock(path, value, top.Errors, top.Environment)));
        }

        return configs;
    }
}
