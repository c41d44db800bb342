namespace PgMetrics.Runtime.Configuration;

/// <summary>A component's block, not yet read: its factory reads it with the keys it knows.</summary>
/// <param name="Path">The block's dotted path, e.g. <c>exporters.otlp/local</c>.</param>
/// <param name="Node">The block's value, or null when the component is listed without settings.</param>
internal sealed record ConfigBlock(string Path, ConfigNode? Node, ConfigErrors Errors, Func<string, string?> Environment)
{
    /// <summary>Reads the block as a section that allows only <paramref name="keys"/>.</summary>
    public ConfigSection Read(IReadOnlyList<string> keys) => new(Path, Node, keys, Errors, Environment);
}
