namespace PgMetrics.Collector.Config;

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

/// <summary>The shape of a <see cref="ConfigNode"/>.</summary>
internal enum ConfigNodeKind
{
    /// <summary>No value (a key without one, or null).</summary>
    Empty,

    /// <summary>A text value.</summary>
    Scalar,

    /// <summary>Keys with values.</summary>
    Mapping,

    /// <summary>A list of values.</summary>
    Sequence,
}

/// <summary>Where a config value is: a line and column of a file (1-based), or a .NET configuration path such as <c>PgMetrics:Receivers:postgresql:endpoint</c>.</summary>
/// <param name="Line">1-based; 0 when the value has no line.</param>
/// <param name="Column">1-based; 0 when the value has no line.</param>
/// <param name="Setting">The configuration path, for values from .NET configuration; null for files.</param>
internal readonly record struct ConfigPlace(int Line, int Column, string? Setting = null);
