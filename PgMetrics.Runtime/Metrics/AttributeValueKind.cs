namespace PgMetrics.Runtime.Metrics;

/// <summary>The type of an attribute's value, as OTLP's <c>AnyValue</c> distinguishes them.</summary>
public enum AttributeValueKind : byte
{
    /// <summary>UTF-16 text, sent as UTF-8.</summary>
    String,

    /// <summary>A 64-bit signed integer.</summary>
    Int,

    /// <summary>A 64-bit floating-point number.</summary>
    Double,

    /// <summary>true or false.</summary>
    Bool,
}
