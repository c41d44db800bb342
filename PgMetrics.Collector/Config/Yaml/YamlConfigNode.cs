using PgMetrics.Runtime.Configuration;
using YamlDotNet.RepresentationModel;

namespace PgMetrics.Collector.Config.Yaml;

/// <summary>A node of a YAML config file, with its line and column, for the source-neutral config readers.</summary>
internal sealed class YamlConfigNode(YamlNode? node) : ConfigNode
{
    /// <inheritdoc/>
    public override ConfigNodeKind Kind => node switch
    {
        null => ConfigNodeKind.Empty,
        YamlScalarNode => ConfigNodeKind.Scalar,
        YamlMappingNode => ConfigNodeKind.Mapping,
        YamlSequenceNode => ConfigNodeKind.Sequence,
        _ => ConfigNodeKind.Empty,
    };

    /// <inheritdoc/>
    public override string? Text => (node as YamlScalarNode)?.Value;

    /// <inheritdoc/>
    public override IEnumerable<(string Key, ConfigNode KeyNode, ConfigNode Value)> Entries
        => node is YamlMappingNode mapping
            ? mapping.Children.Select(entry => ((entry.Key as YamlScalarNode)?.Value ?? string.Empty, (ConfigNode)new YamlConfigNode(entry.Key), (ConfigNode)new YamlConfigNode(entry.Value)))
            : [];

    /// <inheritdoc/>
    public override IReadOnlyList<ConfigNode> Items
        => node is YamlSequenceNode sequence ? [.. sequence.Children.Select(item => new YamlConfigNode(item))] : [];

    /// <inheritdoc/>
    public override ConfigPlace Place => node is null ? new ConfigPlace(1, 1) : new ConfigPlace((int)node.Start.Line, (int)node.Start.Column);
}
