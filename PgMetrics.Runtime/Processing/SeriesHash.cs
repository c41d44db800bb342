using PgMetrics.Runtime.Metrics;

namespace PgMetrics.Runtime.Processing;

/// <summary>
/// A 64-bit FNV-1a hash of what makes a series: the metric, its resource and its attributes.
/// Stable within a process and computed without allocating; 64 bits keep collisions negligible
/// for the series counts a collector sees.
/// </summary>
internal static class SeriesHash
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    public static ulong Compute(MetricDescriptor metric, ReadOnlySpan<KeyValue> resource, ReadOnlySpan<KeyValue> attributes)
    {
        var hash = Add(OffsetBasis, metric.Name);
        foreach (var attribute in resource)
        {
            hash = Add(hash, attribute);
        }

        hash = Add(hash, 0xFFFF);
        foreach (var attribute in attributes)
        {
            hash = Add(hash, attribute);
        }

        return hash;
    }

    private static ulong Add(ulong hash, in KeyValue attribute)
    {
        hash = Add(hash, attribute.Key);
        hash = Add(hash, (ulong)attribute.Kind);
        return attribute.Kind == AttributeValueKind.String
            ? Add(hash, attribute.StringValue)
            : Add(hash, (ulong)(attribute.Kind == AttributeValueKind.Double ? BitConverter.DoubleToInt64Bits(attribute.DoubleValue) : attribute.IntValue));
    }

    private static ulong Add(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ c) * Prime;
        }

        // The length separates "ab"+"c" from "a"+"bc".
        return Add(hash, (ulong)text.Length);
    }

    private static ulong Add(ulong hash, ulong value)
    {
        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (value & 0xFF)) * Prime;
            value >>= 8;
        }

        return hash;
    }
}
