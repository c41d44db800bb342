namespace PgMetrics.Runtime.Configuration;

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
