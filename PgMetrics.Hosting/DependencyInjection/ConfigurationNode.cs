using System.Globalization;
using Microsoft.Extensions.Configuration;
using PgMetrics.Runtime.Configuration;

namespace PgMetrics.Hosting.DependencyInjection;

/// <summary>
/// A section of .NET configuration (appsettings.json, environment variables, any provider) as a config
/// value, so it is read by the same code as a YAML file. .NET configuration has no lists of its own: a
/// section whose keys are 0, 1, 2… is a list. Keys match regardless of case and underscores.
/// </summary>
internal sealed class ConfigurationNode(IConfiguration configuration) : ConfigNode
{
    private List<IConfigurationSection>? _children;

    /// <inheritdoc/>
    public override ConfigNodeKind Kind
    {
        get
        {
            if (Children.Count == 0)
            {
                return Text is null ? ConfigNodeKind.Empty : ConfigNodeKind.Scalar;
            }

            return Children.Select(c => c.Key).Order(StringComparer.Ordinal).SequenceEqual(Enumerable.Range(0, Children.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal))
                ? ConfigNodeKind.Sequence
                : ConfigNodeKind.Mapping;
        }
    }

    /// <inheritdoc/>
    public override string? Text => (configuration as IConfigurationSection)?.Value;

    /// <inheritdoc/>
    public override IEnumerable<(string Key, ConfigNode KeyNode, ConfigNode Value)> Entries
        => Children.Select(child =>
        {
            var node = new ConfigurationNode(child);
            return (child.Key, (ConfigNode)node, (ConfigNode)node);
        });

    /// <inheritdoc/>
    public override IReadOnlyList<ConfigNode> Items
        => [.. Children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)).Select(c => new ConfigurationNode(c))];

    /// <inheritdoc/>
    public override ConfigPlace Place => new(0, 0, (configuration as IConfigurationSection)?.Path ?? string.Empty);

    /// <inheritdoc/>
    public override bool LooseKeys => true;

    private List<IConfigurationSection> Children => _children ??= [.. configuration.GetChildren()];
}
