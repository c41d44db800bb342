namespace PgMetrics.Metadata.Model;

/// <summary>The type of a metric's values (<c>value_type:</c>).</summary>
public enum NumberType
{
    /// <summary>64-bit integers (<c>int</c>).</summary>
    Int,

    /// <summary>64-bit floating-point numbers (<c>double</c>).</summary>
    Double,
}
