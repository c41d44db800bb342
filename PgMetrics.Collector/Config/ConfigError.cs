namespace PgMetrics.Collector.Config;

/// <summary>A problem in the config file: where it is, which key, and what is wrong. Never holds a secret's value.</summary>
/// <param name="Line">1-based, as editors count.</param>
/// <param name="Column">1-based.</param>
/// <param name="Key">The dotted path of the key, e.g. <c>receivers.postgresql.collection_interval</c>.</param>
public sealed record ConfigError(string File, int Line, int Column, string Key, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line}:{Column}: {Key}: {Message}";
}
