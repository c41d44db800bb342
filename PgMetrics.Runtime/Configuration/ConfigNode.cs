namespace PgMetrics.Runtime.Configuration;

/// <summary>
/// One value of a config, whatever it was written in: a YAML file, or .NET configuration
/// (appsettings.json, environment variables). The config readers see only this, so both sources are
/// read by the same code, with the same keys, checks and messages; only the place a message points to
/// differs (a line and column, or a configuration path).
/// </summary>
internal abstract class ConfigNode
{
    /// <summary>What the value is: nothing, text, a mapping or a list.</summary>
    public abstract ConfigNodeKind Kind { get; }

    /// <summary>The text of a <see cref="ConfigNodeKind.Scalar"/>; null otherwise.</summary>
    public abstract string? Text { get; }

    /// <summary>The entries of a <see cref="ConfigNodeKind.Mapping"/>, as written: each key, the node that names it, and its value.</summary>
    public abstract IEnumerable<(string Key, ConfigNode KeyNode, ConfigNode Value)> Entries { get; }

    /// <summary>The items of a <see cref="ConfigNodeKind.Sequence"/>.</summary>
    public abstract IReadOnlyList<ConfigNode> Items { get; }

    /// <summary>Where the value is written.</summary>
    public abstract ConfigPlace Place { get; }

    /// <summary>
    /// Whether a key matches an allowed key regardless of case and underscores, as .NET configuration keys
    /// do (<c>CollectionInterval</c> is <c>collection_interval</c>); YAML keys match exactly.
    /// </summary>
    public virtual bool LooseKeys => false;

    /// <summary>Whether the value is absent or written empty, which reads as an empty section.</summary>
    public bool IsEmpty => Kind == ConfigNodeKind.Empty || (Kind == ConfigNodeKind.Scalar && string.IsNullOrEmpty(Text));
}
