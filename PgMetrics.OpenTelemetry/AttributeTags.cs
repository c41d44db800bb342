using PgMetrics.Runtime.Metrics;

namespace PgMetrics.OpenTelemetry;

/// <summary>PgMetrics attributes as the tags <c>System.Diagnostics.Metrics</c> and <c>ILogger</c> state carry: the same keys, values of their own type.</summary>
internal static class AttributeTags
{
    /// <summary>The attribute as a tag.</summary>
    public static KeyValuePair<string, object?> Tag(KeyValue attribute) => new(attribute.Key, attribute.Kind switch
    {
        AttributeValueKind.Int => attribute.IntValue,
        AttributeValueKind.Double => attribute.DoubleValue,
        AttributeValueKind.Bool => attribute.BoolValue,
        _ => attribute.StringValue,
    });
}
