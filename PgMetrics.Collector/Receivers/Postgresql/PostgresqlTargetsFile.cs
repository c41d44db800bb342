using PgMetrics.Collector.Config.Yaml;
using PgMetrics.Collector.Targets;
using PgMetrics.Runtime.Configuration;
using PgMetrics.Runtime.Receiver;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PgMetrics.Collector.Receivers.Postgresql;

/// <summary>
/// Reads a receiver's <c>targets_file</c>: a YAML file, or every <c>.yaml</c>/<c>.yml</c> file of a folder
/// (as a ConfigMap mounts them), each a list of mappings with the receiver's own keys plus <c>attributes:</c>.
/// The receiver block's keys are the defaults of every item. Each item must name its <c>endpoint</c>, its
/// identity, and no endpoint may be listed twice. Every mistake is reported with its file, line and column,
/// all at once, and no expanded secret appears in a message.
/// </summary>
internal static class PostgresqlTargetsFile
{
    /// <summary>What a read found: the targets, or the problems that keep the list from being used.</summary>
    internal sealed record Result(IReadOnlyList<PostgresqlReceiverConfig> Targets, IReadOnlyList<ConfigError> Errors)
    {
        /// <summary>Whether the list can be used: no problem was found.</summary>
        public bool IsValid => Errors.Count == 0;
    }

    /// <summary>Reads the targets of <paramref name="list"/> (a receiver with <c>targets_file</c>) as they are now.</summary>
    /// <param name="factory">Reads each item as a target, the list's keys as defaults.</param>
    /// <param name="list">The receiver block: its path and its keys as defaults.</param>
    /// <param name="environment">Where <c>${env:}</c> references are looked up.</param>
    public static Result Read(PostgresqlReceiverFactory factory, PostgresqlReceiverConfig list, Func<string, string?> environment)
    {
        var targets = new List<PostgresqlReceiverConfig>();
        var errors = new List<ConfigError>();
        var seen = new Dictionary<string, (string File, int Line)>(StringComparer.Ordinal);
        foreach (var file in TargetsFiles.Of(list.TargetsFile!))
        {
            ReadFile(factory, file, list, environment, targets, errors, seen);
        }

        return new Result(errors.Count == 0 ? targets : [], errors);
    }

    private static void ReadFile(PostgresqlReceiverFactory factory, string file, PostgresqlReceiverConfig list, Func<string, string?> environment, List<PostgresqlReceiverConfig> targets, List<ConfigError> errors, Dictionary<string, (string File, int Line)> seen)
    {
        var fileErrors = new ConfigErrors(file);
        YamlStream stream = [];
        try
        {
            stream.Load(new StringReader(File.ReadAllText(file)));
        }
        catch (YamlException ex)
        {
            errors.Add(new ConfigError(file, (int)ex.Start.Line, (int)ex.Start.Column, "(yaml)", ex.InnerException?.Message ?? ex.Message));
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add(new ConfigError(file, 0, 0, "(file)", "cannot read the targets file: " + ex.Message));
            return;
        }

        var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        if (root is null || root is YamlScalarNode { Value: null or "" })
        {
            // An empty file lists no targets: a ConfigMap emptied on purpose.
            return;
        }

        if (root is not YamlSequenceNode items)
        {
            fileErrors.Add(new YamlConfigNode(root), "(root)", "a targets file is a list of targets, each a mapping like: - endpoint: db1.example.com:5432");
            errors.AddRange(fileErrors.Items);
            return;
        }

        for (var i = 0; i < items.Children.Count; i++)
        {
            var item = items.Children[i];
            var path = $"[{i}]";
            var section = new ConfigSection(path, new YamlConfigNode(item), PostgresqlReceiverFactory.TargetKeys, fileErrors, environment);
            if (item is not YamlMappingNode)
            {
                continue;
            }

            if (!section.Has("endpoint"))
            {
                fileErrors.Add(new YamlConfigNode(item), path + ".endpoint", "each target needs an endpoint (host:port), its identity");
                continue;
            }

            var target = factory.ReadTarget(section, list);
            target = target with
            {
                Name = $"{list.Name}[{target.Endpoint}]",
                SourcePath = path,
                IsListedTarget = true,
                TargetsFile = null,
                KubernetesDiscovery = null,
                FileTargets = [],
            };
            target.Validate(fileErrors);
            var line = (int)item.Start.Line;
            if (seen.TryGetValue(target.Identity, out var first))
            {
                fileErrors.Add(new YamlConfigNode(item), path + ".endpoint", $"endpoint {target.Endpoint} is listed twice; first at {first.File}:{first.Line}");
                continue;
            }

            seen[target.Identity] = (file, line);
            targets.Add(target);
        }

        errors.AddRange(fileErrors.Items);
    }
}
