namespace PgMetrics.Metadata.Model;

/// <summary>The type of an attribute's values or of a query column (<c>type:</c>).</summary>
public enum AttributeType
{
    /// <summary>Text (<c>string</c>).</summary>
    String,

    /// <summary>A 64-bit integer (<c>int</c>); PostgreSQL's int2, int4, int8, oid and numeric columns fit.</summary>
    Int,

    /// <summary>A 64-bit floating-point number (<c>double</c>); any PostgreSQL number fits.</summary>
    Double,

    /// <summary>A boolean (<c>bool</c>).</summary>
    Bool,
}
